# One image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pango: WeasyPrint's text layout (PDF invoices and situation-picture exports).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install .
COPY . .

# Static files are collected into the image and served by WhiteNoise.
RUN DEBUG=on python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 1000 --home-dir /app ssr \
    && mkdir -p /app/media && chown ssr /app/media
USER ssr

EXPOSE 8000
CMD ["gunicorn", "ssr_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
