"""Which Prefect API a CLI run uses: a configured one (environment or active profile) as it is."""
from __future__ import annotations

from flows.prefect_env import configured_api_url, temporary_api


def test_configured_url_from_environment_or_active_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    assert configured_api_url() is None  # no profiles file
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n[profiles.ephemeral]\n[profiles.team]\n'
        'PREFECT_API_URL = "http://10.0.0.5:4200/api"\n', encoding="utf-8")
    assert configured_api_url() == "http://10.0.0.5:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4300/api")
    assert configured_api_url() == "http://127.0.0.1:4300/api"
    with temporary_api() as api:  # configured: nothing is started
        assert api.process is None and api.url == "http://127.0.0.1:4300/api"
        api.wait(1)


def test_the_quiet_defaults_silence_urllib3s_socks_warning_only():
    """trafilatura imports urllib3's SOCKS support, which warns on stderr without PySocks when
    requests has not been imported yet (a race between a command's threads): silenced, nothing else."""
    import warnings

    from flows.prefect_env import apply_quiet_defaults

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apply_quiet_defaults()
        for message in ("SOCKS support in urllib3 requires the installation of optional dependencies: "
                        "specifically, PySocks.", "another warning"):
            warnings.warn_explicit(message, UserWarning, "socks.py", 50, module="urllib3.contrib.socks")
    assert [str(w.message) for w in caught] == ["another warning"]
