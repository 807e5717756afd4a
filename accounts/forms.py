"""Django's authentication forms, laid out with GOV.UK components and wording."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from .services import NAME_REQUIRED, NAME_TOO_LONG


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # GOV.UK: no autofocus, which would skip the skip link and the header for screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
        self.helper.layout = Layout("username", "password", Button("submit", "Sign in"))


class GovukPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
        self.helper.layout = Layout(
            "old_password", "new_password1", "new_password2", Button("submit", "Change password")
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        help_text="So you can tell your tokens apart, for example “PDU ratings spreadsheet”.",
        max_length=100,
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
        self.helper.layout = Layout("name", Button("submit", "Create token"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(NAME_REQUIRED)
        return name
