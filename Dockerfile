FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY netlearn ./netlearn
COPY lessons ./lessons
COPY accounts ./accounts
COPY instructors ./instructors
COPY lti ./lti
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --system --uid 1000 netlearn && mkdir -p /app/staticfiles && chown netlearn /app/staticfiles
USER netlearn
EXPOSE 8000
# collectstatic, `manage.py prepare` (migrate + loadlessons under a lock; RUN_MIGRATIONS=0 skips
# it), then exec gunicorn.
CMD ["deploy/entrypoint.sh"]
