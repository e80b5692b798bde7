from django.urls import path

from . import catalogpages, orgpages, outboxpages, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("guides/", views.guides, name="guides"),
    path("guides/<str:code>/", views.guide_detail, name="guide"),
    path("guides/<str:code>/versions/<int:number>/", catalogpages.guide_version, name="guide_version"),
    path("guides/<str:code>/forms/<int:pk>/<str:kind>/", catalogpages.material_form, name="material_form"),
    path("photos/<str:center>/<str:code>/", views.staff_photo, name="staff_photo"),
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/ab-check/", views.ab_check, name="ab_check"),
    path("manage/staff/", views.staff_list, name="staff"),
    path("manage/staff/new/", orgpages.staff_edit, name="staff_new"),
    path("manage/staff/<str:code>/edit/", orgpages.staff_edit, name="staff_edit"),
    path("manage/posts/new/", orgpages.post_edit, name="post_new"),
    path("manage/posts/<str:code>/edit/", orgpages.post_edit, name="post_edit"),
    path("manage/catalog/", catalogpages.catalog_home, name="catalog"),
    path("manage/catalog/departments/new/", catalogpages.department_edit, name="catalog_department_new"),
    path("manage/catalog/departments/<str:code>/", catalogpages.department_edit, name="catalog_department"),
    path("manage/catalog/windows/new/", catalogpages.window_edit, name="catalog_window_new"),
    path("manage/catalog/windows/<str:code>/", catalogpages.window_edit, name="catalog_window"),
    path("manage/catalog/items/new/", catalogpages.item_edit, name="catalog_item_new"),
    path("manage/catalog/items/<str:code>/", catalogpages.item_edit, name="catalog_item"),
    path("manage/catalog/items/<str:code>/materials/new/", catalogpages.material_edit, name="catalog_material_new"),
    path("manage/catalog/items/<str:code>/materials/<int:pk>/", catalogpages.material_edit, name="catalog_material"),
    path("manage/catalog/items/<str:code>/procedures/new/", catalogpages.procedure_edit,
         name="catalog_procedure_new"),
    path("manage/catalog/items/<str:code>/procedures/<int:pk>/", catalogpages.procedure_edit,
         name="catalog_procedure"),
    path("manage/catalog/items/<str:code>/publish/", catalogpages.publish, name="catalog_publish"),
    path("manage/calendar/", views.calendar_page, name="calendar"),
    path("manage/settings/", views.settings_page, name="settings"),
    path("manage/sms-templates/", outboxpages.sms_templates, name="sms_templates"),
    path("manage/outbox/", outboxpages.outbox_page, name="outbox"),
]
