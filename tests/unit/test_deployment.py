"""What an operator deploys: the image, docker compose, the Kubernetes example and the alert
rules parse and name what they must (there is no container engine here to run them)."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import SECRET_ENV, Settings, parse_settings
from bot.ops import metrics

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
CONFIG_PATH = "/etc/nudgebot/config.toml"
BOT_ENV = sorted({*SECRET_ENV.values(), "SLACK_API_URL"})


def container_config() -> Settings:
    data = tomllib.loads((ROOT / "deploy" / "config.toml").read_text())
    return parse_settings(data, env={}, source="deploy/config.toml")


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


# -- the image --------------------------------------------------------------------------------


def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_image_is_pinned_non_root_health_checked_and_runs_the_bot() -> None:
    lines = dockerfile()
    [base] = [line for line in lines if line.startswith("ARG PYTHON_IMAGE=")]
    assert re.fullmatch(r"ARG PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+", base)  # a patch version
    assert "FROM ${PYTHON_IMAGE}" in lines
    [user] = [line for line in lines if line.startswith("USER ")]
    uid = user.split()[1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0  # numeric: runAsNonRoot can check it
    [health] = [line for line in lines if line.startswith("HEALTHCHECK")]
    assert "http://127.0.0.1:3000/healthz" in health
    assert container_config().server.port == 3000
    assert "EXPOSE 3000" in lines
    assert 'ENTRYPOINT ["nudgebot"]' in lines and 'CMD ["run"]' in lines


def test_the_image_installs_with_the_same_step_as_developers_and_ci() -> None:
    runs = [line for line in dockerfile() if line.startswith("RUN ")]
    assert any(shlex.split(line)[1:4] == ["scripts/install", "python", "."] for line in runs)
    assert not any("pip install" in line for line in runs)  # only through scripts/install
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert "scripts/install \"$venv/bin/python\" -e '.[dev]'" in bootstrap
    assert "pip install" not in bootstrap
    install = (ROOT / "scripts" / "install").read_text()
    assert "-c constraints.txt" in install
    copied = " ".join(line for line in dockerfile() if line.startswith("COPY "))
    for needed in ("constraints.txt", "pyproject.toml", "scripts/install"):
        assert needed in copied


# -- docker compose ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_compose_runs_postgres_with_a_named_volume_and_a_health_check(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "bot"}
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:\d+\.\d+-\w+", postgres["image"])  # pinned, not latest
    [volume] = postgres["volumes"]
    name, mount = volume.split(":", 1)
    assert name in compose["volumes"] and mount == "/var/lib/postgresql/data"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_compose_migrates_once_before_the_bot_starts(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate, bot = services["migrate"], services["bot"]
    assert migrate["command"][0] == "migrate"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["command"][0] == "run"
    for service in (migrate, bot):  # the same image, configuration and database
        assert service["image"] == "nudgebot:local" and service["build"] == "."
        assert service["command"][1:] == ["--config", CONFIG_PATH]
        [config] = service["volumes"]
        source, target, _ = config.split(":")
        assert (ROOT / source).resolve() == ROOT / "deploy" / "config.toml"
        assert target == CONFIG_PATH
        assert "@postgres:5432/" in service["environment"]["NUDGEBOT_DATABASE_URL"]
    grace = container_config().server.shutdown_grace_seconds
    assert seconds(bot["stop_grace_period"]) > grace


def test_every_variable_compose_and_the_bot_read_is_listed_empty_in_env_example(
    compose: dict[str, Any],
) -> None:
    listed: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            listed[key] = value
    used = set(re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text()))
    assert used | set(BOT_ENV) <= set(listed)
    for name in [*SECRET_ENV.values(), "POSTGRES_PASSWORD"]:
        assert listed[name] == "", f"{name} must be empty in .env.example"
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored and ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_the_container_configuration_loads_and_serves_metrics_as_json_logs() -> None:
    settings = container_config()
    assert settings.deprecations == ()
    assert settings.metrics_enabled
    assert settings.server.host == "0.0.0.0"
    assert settings.logging.format.value == "json"


# -- Kubernetes -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict[str, Any]]:
    """Every object in deploy/kubernetes, by kind (one of each)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            for key in ("apiVersion", "kind", "metadata"):
                assert key in document, f"{path.name}: no {key}"
            assert document["kind"] not in found, f"{path.name}: a second {document['kind']}"
            found[document["kind"]] = document
    return found


def pod_of(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def test_the_kubernetes_example_has_each_object_it_needs(
    manifests: dict[str, dict[str, Any]],
) -> None:
    assert set(manifests) == {
        "ConfigMap",
        "Deployment",
        "Job",
        "PodDisruptionBudget",
        "Secret",
        "Service",
    }
    assert (ROOT / "deploy" / "README.md").is_file()


def test_the_deployment_runs_two_probed_replicas_with_resources_and_secrets_from_a_secret(
    manifests: dict[str, dict[str, Any]],
) -> None:
    deployment = manifests["Deployment"]
    assert deployment["apiVersion"] == "apps/v1"
    assert deployment["spec"]["replicas"] == 2
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pod = pod_of(deployment)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["terminationGracePeriodSeconds"] > container_config().server.shutdown_grace_seconds
    [bot] = pod["containers"]
    assert bot["args"] == ["run", "--config", CONFIG_PATH]
    [port] = bot["ports"]
    assert port["containerPort"] == container_config().server.port
    assert bot["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    assert bot["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}
    assert bot["startupProbe"]["httpGet"]["path"] == "/healthz"
    for kind in ("requests", "limits"):
        assert bot["resources"][kind]["memory"]
    assert bot["resources"]["requests"]["cpu"]
    [source] = bot["envFrom"]
    assert source["secretRef"]["name"] == manifests["Secret"]["metadata"]["name"]
    assert "env" not in bot  # no secret or URL written into the Deployment
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == port["containerPort"]
    budget = manifests["PodDisruptionBudget"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_the_migrate_job_runs_the_same_image_and_configuration_once(
    manifests: dict[str, dict[str, Any]],
) -> None:
    job, deployment = manifests["Job"], manifests["Deployment"]
    pod = pod_of(job)
    assert pod["restartPolicy"] == "Never"
    [migrate] = pod["containers"]
    [bot] = pod_of(deployment)["containers"]
    assert migrate["args"] == ["migrate", "--config", CONFIG_PATH]
    assert migrate["image"] == bot["image"]
    assert migrate["envFrom"] == bot["envFrom"]
    assert pod["volumes"][0]["configMap"] == pod_of(deployment)["volumes"][0]["configMap"]


def test_the_service_reaches_the_bots_http_port(manifests: dict[str, dict[str, Any]]) -> None:
    service, deployment = manifests["Service"], manifests["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    [port] = service["spec"]["ports"]
    [bot] = pod_of(deployment)["containers"]
    assert port["targetPort"] in {p["name"] for p in bot["ports"]}


def test_the_secret_lists_every_secret_empty_and_the_configmap_is_the_container_config(
    manifests: dict[str, dict[str, Any]],
) -> None:
    data = manifests["Secret"]["stringData"]
    assert set(data) == {*SECRET_ENV.values(), "NUDGEBOT_DATABASE_URL"}
    assert set(data.values()) == {""}
    text = manifests["ConfigMap"]["data"]["config.toml"]
    assert text == (ROOT / "deploy" / "config.toml").read_text()
    name = manifests["ConfigMap"]["metadata"]["name"]
    assert pod_of(manifests["Deployment"])["volumes"][0]["configMap"]["name"] == name


# -- alert rules ------------------------------------------------------------------------------


def test_the_example_alert_rules_use_only_metrics_the_bot_exposes() -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yaml").read_text())
    exposed = {f.describe()[0].name for f in metrics.FAMILIES} | {
        "nudgebot_outbox_pending",
        "nudgebot_outbox_oldest_pending_seconds",
    }
    suffixes = ("_total", "_bucket", "_count", "_sum")
    [group] = rules["groups"]
    assert len(group["rules"]) >= 5
    for rule in group["rules"]:
        assert {"alert", "expr", "for", "labels", "annotations"} <= set(rule)
        assert rule["labels"]["severity"] in {"warning", "critical"}
        for name in re.findall(r"nudgebot_\w+", rule["expr"]):
            base = next((name[: -len(s)] for s in suffixes if name.endswith(s)), name)
            assert base in exposed, f"{rule['alert']}: {name} is not a metric of the bot"
