from django import template

register = template.Library()


@register.filter
def field(form, name: str):
    """The bound field of a form by a name known only at render time: {{ form|field:item.answer_field }}."""
    return form[name]
