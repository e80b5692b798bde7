from django.urls import path

from . import inspection_pages, rankpages, views

app_name = "assessment"
urlpatterns = [
    path("assessment/scores/", views.scores_page, name="scores"),
    path("assessment/scores/<str:code>/", views.person_page, name="person"),
    path("assessment/rankings/", rankpages.rankings_page, name="rankings"),
    path("assessment/replacements/", rankpages.replacements_page, name="replacements"),
    path("assessment/director/", rankpages.director_page, name="director"),
]
urlpatterns += [
    path("assessment/reports/", views.reports_page, name="reports"),
    path("assessment/reports/<int:pk>/", views.report_page, name="report"),
    path("assessment/reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
    # ASM-3, ATT-5: inspections (明察暗访)
    path("assessment/inspections/", inspection_pages.inspections_page, name="inspections"),
    path("assessment/inspections/new/", inspection_pages.new_inspection, name="inspection_new"),
    path("assessment/inspections/kinds/", inspection_pages.inspection_kinds, name="inspection_kinds"),
    path("assessment/inspections/<str:number>/", inspection_pages.inspection_page, name="inspection"),
    path("assessment/inspections/<str:number>/evidence/<int:pk>/", inspection_pages.inspection_evidence,
         name="inspection_evidence"),
]
