# Factcheck under gunicorn; static files are served by WhiteNoise from the image.
# Build: docker compose build   (see README, "Deployment")
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY factcheck/__init__.py factcheck/
COPY annotations/__init__.py annotations/
RUN pip install .

COPY . .
# Hashed, compressed static files for WhiteNoise; the key is a throwaway for this step only.
RUN pip install --no-deps . \
    && DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin factcheck

USER factcheck
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# WEB_CONCURRENCY sets the number of gunicorn workers (default 2 here).
CMD ["sh", "-c", "exec gunicorn factcheck.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile - --forwarded-allow-ips '*' --limit-request-line 8190"]
