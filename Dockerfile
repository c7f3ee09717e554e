# Antenne: `antenne serve` from the project's wheel with its locked dependencies, as a non-root user.
# Build: docker build -t antenne .   (buildah/podman: add --format docker, or the HEALTHCHECK is dropped)
ARG PYTHON_IMAGE=python:3.11-slim

# -- 1. build the wheel (source, build/ and *.egg-info stay in this stage) ------------------------
FROM ${PYTHON_IMAGE} AS wheel
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY antenne ./antenne
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip wheel --no-deps --wheel-dir /dist .

# -- 2. the image: dependencies in their own layer, then the wheel ------------------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --gid 10001 antenne \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin antenne \
 && mkdir /data && chown 10001:10001 /data

# Rebuilt only when requirements.lock changes, not on every code change.
COPY requirements.lock /tmp/requirements.lock
RUN pip install -r /tmp/requirements.lock

# --no-index: every dependency must already be there, pinned by the lock.
COPY --from=wheel /dist/ /tmp/dist/
RUN pip install --no-index -c /tmp/requirements.lock /tmp/dist/antenne-*.whl \
 && rm -rf /tmp/dist /tmp/requirements.lock

ENV ANTENNE_HOST=0.0.0.0 \
    ANTENNE_PORT=3978 \
    ANTENNE_DATA_DIR=/data
WORKDIR /data
# Numeric, so Kubernetes' runAsNonRoot can verify it is not root.
USER 10001:10001
# SQLite lives here unless DATABASE_URL names a PostgreSQL server: mount a volume to keep it.
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ANTENNE_PORT', '3978'), timeout=2)"]
ENTRYPOINT ["antenne"]
CMD ["serve"]
