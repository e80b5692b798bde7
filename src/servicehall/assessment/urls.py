from django.urls import path

from . import inspection_pages, views

app_name = "assessment"
urlpatterns = [
    path("assessment/scores/", views.scores_page, name="scores"),
    path("assessment/scores/<str:code>/", views.person_page, name="person"),
    # ASM-3, ATT-5: inspections (明察暗访)
    path("assessment/inspections/", inspection_pages.inspections_page, name="inspections"),
    path("assessment/inspections/new/", inspection_pages.new_inspection, name="inspection_new"),
    path("assessment/inspections/kinds/", inspection_pages.inspection_kinds, name="inspection_kinds"),
    path("assessment/inspections/<str:number>/", inspection_pages.inspection_page, name="inspection"),
    path("assessment/inspections/<str:number>/evidence/<int:pk>/", inspection_pages.inspection_evidence,
         name="inspection_evidence"),
]
