"""Document generation as a background job (``document_render``), for large documents and batch runs.

    socplan job run document_render  (params: builder, object_id, format)

The job renders with the job's time limit (`SOCPLAN_DOCUMENT_JOB_RENDER_SECONDS`, longer than a download's) and
tries again a content whose rendering failed before (a download of it gets the stored failure at once) — the
way to publish a document too large to render while someone waits for the download.
"""

from socplan.core.jobs import job_kind


@job_kind("document_render", "Vytvoření dokumentu (PDF / DOCX / XLSX)")
def document_render_job(progress, builder: str = "", object_id: int | str = 0, format: str = "pdf",  # noqa: A002
                        actor_id: int | None = None):
    from django.contrib.auth import get_user_model

    from .services import document_render

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    doc = document_render(actor=actor, builder=builder, object_id=int(object_id), fmt=format, retry_failed=True,
                          background=True, progress=progress)
    progress(100, f"Hotovo: {doc.filename}")
    return {"document_id": doc.pk, "filename": doc.filename, "size": doc.size,
            "seconds": round(doc.render_seconds, 3), "url": f"/dokumenty/{doc.pk}/{doc.filename}"}
