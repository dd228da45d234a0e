from django.urls import path

from . import views

app_name = "waves"
urlpatterns = [
    path("calendrier/", views.calendar_page, name="calendar"),
]
