from django.urls import path

from waves import views

app_name = "waves"
urlpatterns = [
    path("calendrier/", views.calendar_page, name="calendar"),
]
