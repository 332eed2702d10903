# Marsad worker image: `marsad poll`, `marsad process` or `marsad alert` (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# CPU-only torch first (camel-tools depends on torch; the CUDA build would add gigabytes).
RUN pip install torch --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY workers ./workers
COPY schemas ./schemas
COPY deploy/feeds.toml ./deploy/feeds.toml
COPY deploy/alert-rules.yaml ./deploy/alert-rules.yaml
RUN pip install . && useradd --create-home marsad && mkdir -p /var/lib/marsad && chown marsad /var/lib/marsad
USER marsad
ENV MARSAD_STATE_DIR=/var/lib/marsad MARSAD_METRICS_HOST=0.0.0.0 MARSAD_LOG_FORMAT=json
EXPOSE 9464
ENTRYPOINT ["marsad"]
CMD ["process"]
