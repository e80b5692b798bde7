"""servicehall — a government service center system (政务服务中心)."""

__version__ = "0.1.0"
