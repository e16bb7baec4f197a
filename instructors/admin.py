from django.contrib import admin

from instructors.models import Classroom, LessonDraft, Membership
from instructors.services import new_join_code


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["learner"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "code", "instructor", "created_at"]
    list_filter = ["course"]
    search_fields = ["name", "code", "instructor__username"]
    readonly_fields = ["code", "created_at"]
    filter_horizontal = ["co_instructors"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        if not obj.code:  # a class added here gets a join code like one made by an instructor
            obj.code = new_join_code()
        super().save_model(request, obj, form, change)


@admin.register(LessonDraft)
class LessonDraftAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "lesson", "course", "updated_at"]
    raw_id_fields = ["author", "lesson"]
