from django.apps import AppConfig


class PdusConfig(AppConfig):
    name = "pdus"
    verbose_name = "Probation Delivery Units"
