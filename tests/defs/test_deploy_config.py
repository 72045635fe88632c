"""The committed Kubernetes configuration (deploy/k8s) has the shape dagster-k8s expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SHARED_ENV = {"JIXIAO_RAW_DIR", "JIXIAO_WAREHOUSE"}


def load(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def env_names(config: dict[str, Any]) -> set[str]:
    return {item.split("=", 1)[0] for item in config["env_vars"]}


def mounts_shared_volume(config: dict[str, Any]) -> bool:
    volumes = {v["name"]: v for v in config["volumes"]}
    return any(
        m["name"] in volumes and "persistentVolumeClaim" in volumes[m["name"]] for m in config["volume_mounts"]
    )


def test_run_launcher_is_dagster_k8s() -> None:
    instance = load("dagster.yaml")
    launcher = instance["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    config = launcher["config"]
    assert {"job_image", "job_namespace", "instance_config_map", "dagster_home"} <= set(config)
    assert env_names(config) >= SHARED_ENV
    assert mounts_shared_volume(config)
    assert "postgres" in instance["storage"]  # pods share no local instance storage
    assert instance["telemetry"]["enabled"] is False


def test_executor_config_is_k8s_job_executor_shaped() -> None:
    config = load("executor.yaml")["execution"]["config"]
    assert {"job_namespace", "max_concurrent", "step_k8s_config"} <= set(config)
    assert env_names(config) >= SHARED_ENV
    assert mounts_shared_volume(config)
    assert "container_config" in config["step_k8s_config"]


def test_warehouse_and_lake_on_the_shared_volume() -> None:
    """The warehouse (hence its lake folder) lives under the mounted volume in both configs."""
    for config in (load("dagster.yaml")["run_launcher"]["config"], load("executor.yaml")["execution"]["config"]):
        warehouse = dict(item.split("=", 1) for item in config["env_vars"])["JIXIAO_WAREHOUSE"]
        assert any(warehouse.startswith(m["mountPath"].rstrip("/") + "/") for m in config["volume_mounts"])
