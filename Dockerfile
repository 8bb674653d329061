FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv PATH="/app/.venv/bin:$PATH"
RUN pip install --no-cache-dir "uv==0.13.9" && useradd --create-home xiage
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER xiage
EXPOSE 8000
CMD ["gunicorn", "xiage.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30"]
