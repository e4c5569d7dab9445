"""ExternalSecretBinding: v1 ExternalSecret, one owner, typed references, unknown keys refused."""

from __future__ import annotations

import pytest

from constructs.external_secret_binding import BindingError, ExternalSecretBinding, RemoteValue
from tests.support.synth import one, synth


def binding(chart, **overrides):
    props = dict(
        name="app-secrets",
        store_name="aws-secrets-manager",
        refresh_interval="1h",
        values={"token": RemoteValue(key="staging/app", property="token")},
    )
    props.update(overrides)
    return ExternalSecretBinding(chart, "Secrets", **props)


def test_minimal_props_snapshot(snapshot):
    assert synth(binding) == snapshot


def test_renders_a_v1_external_secret_owning_its_target():
    objects = synth(binding)
    assert [o["kind"] for o in objects] == ["ExternalSecret"]  # never a Secret next to it
    secret = one(objects, "ExternalSecret")
    assert secret["apiVersion"] == "external-secrets.io/v1"
    assert secret["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
    assert secret["spec"]["target"]["creationPolicy"] == "Owner"
    assert secret["spec"]["target"]["name"] == secret["metadata"]["name"] == "app-secrets"


def test_typed_references():
    refs = {}

    def build(chart):
        b = binding(chart, templates={"url": "https://{{ .token }}@example.internal"})
        refs["env"] = b.env_var("TOKEN", "token")
        refs["volume"] = b.volume("secret-files", ["token", "url"])

    synth(build)
    assert refs["env"].value_from.secret_key_ref.name == "app-secrets"
    assert refs["env"].value_from.secret_key_ref.key == "token"
    assert [item.key for item in refs["volume"].secret.items] == ["token", "url"]


def test_reference_to_unmapped_key_is_refused():
    with pytest.raises(BindingError, match="has no key 'password'"):
        synth(lambda c: binding(c).env_var("PASSWORD", "password"))
    with pytest.raises(BindingError, match="has no key 'password'"):
        synth(lambda c: binding(c).volume("v", ["password"]))


def test_key_both_fetched_and_templated_is_refused():
    with pytest.raises(BindingError, match="both fetched and templated"):
        synth(lambda c: binding(c, templates={"token": "x"}))


def test_template_inputs_are_fetched_but_not_kept_in_the_secret():
    """The Secret holds exactly the keys pods can reference: the URL, not the password inside it.

    ESO's mergePolicy Merge would also write every fetched value; the end-to-end tier found a
    bare database password beside the DATABASE_URL that no pod mounts.
    """
    refs = {}

    def build(chart):
        b = binding(
            chart,
            templates={"url": 'mysql://app:{{ index . "password" }}@db:3306/app'},
            template_inputs={"password": RemoteValue(key="staging/db", property="password")},
        )
        refs["binding"] = b

    secret = one(synth(build), "ExternalSecret")
    assert sorted(d["secretKey"] for d in secret["spec"]["data"]) == ["password", "token"]
    template = secret["spec"]["target"]["template"]
    assert template["mergePolicy"] == "Replace"
    assert sorted(template["data"]) == ["token", "url"] == sorted(refs["binding"].keys)
    assert template["data"]["token"] == '{{ index . "token" }}'
    with pytest.raises(BindingError, match="has no key 'password'"):
        synth(
            lambda c: binding(c, templates={"url": "x"}, template_inputs={"password": RemoteValue(key="k", property="p")}).volume(
                "v", ["password"]
            )
        )


def test_template_inputs_must_feed_a_template_and_not_shadow_a_key():
    value = RemoteValue(key="k", property="p")
    with pytest.raises(BindingError, match="without a template"):
        synth(lambda c: binding(c, template_inputs={"password": value}))
    with pytest.raises(BindingError, match="also Secret keys"):
        synth(lambda c: binding(c, templates={"url": "x"}, template_inputs={"token": value}))
