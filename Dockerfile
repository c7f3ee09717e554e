# Antenne: `antenne serve` with the content baked in, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 antenne \
 && mkdir /data && chown antenne /data

COPY pyproject.toml README.md ./
COPY antenne ./antenne
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip install .

# On SIGTERM, acknowledged answers get ANTENNE_SHUTDOWN_GRACE_SECONDS to go out, then a few
# seconds to close: run with a stop timeout of 30 s (docker run --stop-timeout 30, Compose
# stop_grace_period: 30s); Docker's default of 10 s would cut answers off.
ENV ANTENNE_HOST=0.0.0.0 \
    ANTENNE_PORT=3978 \
    ANTENNE_DATA_DIR=/data \
    ANTENNE_SHUTDOWN_GRACE_SECONDS=20

USER antenne
# SQLite lives here unless DATABASE_URL names a PostgreSQL server: mount a volume to keep it.
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ANTENNE_PORT', '3978'), timeout=2)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["antenne"]
CMD ["serve"]
