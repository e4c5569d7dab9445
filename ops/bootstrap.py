"""ops bootstrap ENV: create an environment's initial secrets in AWS Secrets Manager.

The keys and their properties are exactly what the ExternalSecrets read
(`charts.secret_layout.store_keys`); each key holds one JSON object. Values are generated in
memory (passwords and the Flask secret key with `secrets.token_urlsafe`, the JWT RSA key pair
with `cryptography`), sent to Secrets Manager and forgotten: nothing is printed or written to
disk. DATABASE_URL is not a stored secret: External Secrets assembles it from the database
password and the rendered database Service (see charts/secret_layout.py).

Re-running is safe: a complete secret is kept, and a secret missing properties gets only
those. Rotation is `ops rotate` (Secrets Manager's protocol, database/rotate.sh).
"""

from __future__ import annotations

import argparse
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from charts.secret_layout import StoreKey, store_keys
from config.loader import load_environment
from ops.common import EXIT_OK, EXIT_USAGE, OpsError, one_line

CREATE, KEEP, COMPLETE = "create", "keep", "complete"
RSA_KEY_BITS = 3072  # comfortably above the 2048-bit floor of RS256/384/512
PRIVATE_KEY, PUBLIC_KEY = "private-key", "public-key"
KEY_PAIR = (PRIVATE_KEY, PUBLIC_KEY)
TAG_PART_OF = ("app.kubernetes.io/part-of", "flask-platform")
TAG_ENVIRONMENT = "flask-platform.io/environment"

HELP = "create the environment's initial secrets in AWS Secrets Manager (idempotent)"
EPILOG = """\
Creates exactly the keys the ExternalSecrets of dist/ENV read, one JSON object each:
<key_prefix>/database {root-password, username, password}, <key_prefix>/flask {secret-key,
previous-secret-key}, <key_prefix>/jwt {private-key, public-key, previous-public-key}.
username is database.user; a previous-* value starts equal to the current one.
DATABASE_URL is NOT stored: External Secrets assembles it from the user, its password and the
rendered database Service.

Existing secrets are kept; a secret missing properties gets only those. To rotate, use
`python -m ops rotate ENV`. No value is ever printed or written to disk. AWS credentials come from the usual AWS sources
(AWS_PROFILE, environment variables, instance or IRSA role).

Exit status: 0 done, 2 configuration or usage error, 3 Secrets Manager refused or unreachable.
"""


def _password() -> str:
    return secrets.token_urlsafe(32)


def _flask_secret_key() -> str:
    return secrets.token_urlsafe(48)


# Property -> generator. A property the layout adds without a generator here (or a rule in
# DERIVED or FROM_CONFIG) is an error at plan time (and in the tests), not a silently missing value.
SIMPLE_GENERATORS: dict[str, Callable[[], str]] = {
    "root-password": _password,
    "password": _password,
    "secret-key": _flask_secret_key,
}


# Property -> the property whose value it starts with: before the first rotation there is no
# previous value, and the current one is the only safe fallback.
DERIVED: dict[str, str] = {"previous-secret-key": "secret-key", "previous-public-key": PUBLIC_KEY}
# Properties that are configuration, not secrets: the value comes from the environment.
FROM_CONFIG = ("username",)


def rsa_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (PKCS#8 private PEM, SubjectPublicKeyInfo public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return private, public_pem_of(private)


def public_pem_of(private_pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class Step:
    """What bootstrap does to one store key. Holds names only, never values."""

    name: str  # short name in the layout: database, flask, jwt
    key: str
    properties: tuple[str, ...]
    action: str
    exists: bool
    generate: tuple[str, ...] = ()  # properties that get a new value
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.action == COMPLETE:
            kept = [p for p in self.properties if p not in self.generate]
            text = "add " + ", ".join(self.generate)
            return text + (f" (keep {', '.join(kept)})" if kept else "")
        return ", ".join(self.properties)


def missing_properties(current: dict[str, Any], wanted: Iterable[str]) -> tuple[str, ...]:
    # An empty string is as unusable as an absent property (an empty password, say).
    return tuple(p for p in wanted if not (isinstance(current.get(p), str) and current[p]))


def plan_step(name: str, store_key: StoreKey, current: dict[str, Any] | None) -> Step:
    known = {*SIMPLE_GENERATORS, *KEY_PAIR, *DERIVED, *FROM_CONFIG}
    unknown = [p for p in store_key.properties if p not in known]
    if unknown:
        raise OpsError(f"{store_key.key}: no generator for propert{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}")
    step = Step(name, store_key.key, store_key.properties, KEEP, exists=current is not None)
    if current is None:
        step.action, step.generate = CREATE, store_key.properties
    else:
        missing = missing_properties(current, store_key.properties)
        if missing:
            step.action, step.generate = COMPLETE, _with_key_pair_rule(missing, current, step)
    return step


def _with_key_pair_rule(missing: tuple[str, ...], current: dict[str, Any], step: Step) -> tuple[str, ...]:
    """A lone public key cannot get a matching private key: the pair is regenerated then.
    A lone private key gets its public key derived (the private key stays)."""
    if PRIVATE_KEY in missing and PUBLIC_KEY not in missing and PUBLIC_KEY in step.properties:
        step.notes.append(f"{step.key}: public-key has no private-key; the key pair is regenerated")
        return tuple(dict.fromkeys((*missing, PUBLIC_KEY)))
    return missing


def generate_values(step: Step, current: dict[str, Any], config: dict[str, str]) -> dict[str, str]:
    """New values for the step's `generate` properties (kept in memory only); `config` holds
    the FROM_CONFIG values."""
    values: dict[str, str] = {}
    wanted = set(step.generate)
    if wanted & set(KEY_PAIR):
        if PRIVATE_KEY in wanted:
            values[PRIVATE_KEY], public = rsa_key_pair()
            if PUBLIC_KEY in step.properties:
                values[PUBLIC_KEY] = public
        else:  # the private key exists: derive its public half
            try:
                values[PUBLIC_KEY] = public_pem_of(current[PRIVATE_KEY])
            except (ValueError, TypeError):
                raise OpsError(
                    f"{step.key}: private-key is not an unencrypted PEM key; "
                    "remove it and public-key from the secret to have a new pair generated"
                ) from None
    for prop in step.generate:
        if prop in SIMPLE_GENERATORS:
            values[prop] = SIMPLE_GENERATORS[prop]()
        elif prop in FROM_CONFIG:
            values[prop] = config[prop]
    for prop, source in DERIVED.items():
        if prop in step.generate:
            values[prop] = values.get(source) or current[source]
    return values


# --- Secrets Manager ---------------------------------------------------------------------------


def make_client(region: str, endpoint_url: str | None) -> Any:
    import boto3

    # A session of its own: boto3's module-level default session caches the credentials it
    # resolved first, which would outlive a change of profile or environment in one process.
    return boto3.session.Session().client("secretsmanager", region_name=region, endpoint_url=endpoint_url)


def aws_error(what: str, error: Exception) -> OpsError:
    from botocore.exceptions import ClientError, NoCredentialsError

    if isinstance(error, NoCredentialsError):
        return OpsError(f"{what}: no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        return OpsError(f"{what}: {info.get('Code', 'error')}: {one_line(info.get('Message', ''))}")
    return OpsError(f"{what}: {one_line(error)}")


def read_current(client: Any, key: str) -> dict[str, Any] | None:
    """The secret's current JSON object; {} when it exists without a value; None when absent."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        described = client.describe_secret(SecretId=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise aws_error(f"cannot read {key}", error) from None
    except BotoCoreError as error:
        raise aws_error(f"cannot read {key}", error) from None
    if described.get("DeletedDate"):
        raise OpsError(f"{key}: scheduled for deletion; restore it first (aws secretsmanager restore-secret --secret-id {key})")
    try:
        response = client.get_secret_value(SecretId=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return {}  # the secret exists but has no current version
        raise aws_error(f"cannot read {key}", error) from None
    except BotoCoreError as error:
        raise aws_error(f"cannot read {key}", error) from None
    text = response.get("SecretString")
    try:
        data = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        # The value itself is never echoed, only that it has the wrong shape.
        raise OpsError(
            f"{key}: holds a value that is not a JSON object; fix or delete it by hand, bootstrap will not overwrite it"
        )
    return data


def apply_step(client: Any, step: Step, current: dict[str, Any] | None, env_name: str, config: dict[str, str]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    values = generate_values(step, current or {}, config)
    payload = json.dumps({**(current or {}), **values}, sort_keys=True)
    try:
        if step.exists:
            client.put_secret_value(SecretId=step.key, SecretString=payload)
        else:
            client.create_secret(
                Name=step.key,
                Description=f"flask-platform {env_name}: read by External Secrets; created by `python -m ops bootstrap`",
                SecretString=payload,
                Tags=[
                    {"Key": TAG_PART_OF[0], "Value": TAG_PART_OF[1]},
                    {"Key": TAG_ENVIRONMENT, "Value": env_name},
                ],
            )
    except (ClientError, BotoCoreError) as error:
        raise aws_error(f"cannot write {step.key}", error) from None


# --- command -------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name (a file environments/ENV.yaml)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="limit to this store key (database, flask or jwt); repeatable; default: all",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan (keys, properties, actions), write nothing")
    parser.add_argument("--endpoint-url", help="Secrets Manager endpoint (default: the AWS endpoint of the region)")
    parser.add_argument("--region", help="AWS region (default: secrets.region of the environment)")


def plan(client: Any, layout: dict[str, StoreKey], names: list[str]) -> list[tuple[Step, dict[str, Any] | None]]:
    """Read every selected key first, so nothing is written when any read fails."""
    steps = []
    for name in names:
        current = read_current(client, layout[name].key)
        steps.append((plan_step(name, layout[name], current), current))
    return steps


def run(args: argparse.Namespace) -> int:
    env = load_environment(args.env)
    layout = store_keys(env.secrets.key_prefix)
    names = list(layout)
    if args.only:
        unknown = sorted(set(args.only) - set(layout))
        if unknown:
            raise OpsError(f"--only {', '.join(unknown)}: not a store key (choose from {', '.join(layout)})", EXIT_USAGE)
        names = [name for name in layout if name in args.only]
    region = args.region or env.secrets.region
    client = make_client(region, args.endpoint_url)
    steps = plan(client, layout, names)

    where = f"region {region}" + (f", endpoint {args.endpoint_url}" if args.endpoint_url else "")
    print(f"{'dry run: ' if args.dry_run else ''}bootstrap {env.name} ({where})")
    width = max(len(step.key) for step, _ in steps)
    print(f"{'KEY':<{width}}  {'ACTION':<8}  PROPERTIES")
    for step, _ in steps:
        print(f"{step.key:<{width}}  {step.action:<8}  {step.describe()}")
    for step, _ in steps:
        for note in step.notes:
            print(f"note: {note}")
    print("not stored: DATABASE_URL (External Secrets assembles it from the user, its password and the database Service)")
    if args.dry_run:
        print("dry run: nothing written")
        return EXIT_OK
    for step, current in steps:
        if step.action != KEEP:
            apply_step(client, step, current, env.name, {"username": env.database.user})
    counts = {action: sum(1 for step, _ in steps if step.action == action) for action in (CREATE, COMPLETE, KEEP)}
    print("done: " + ", ".join(f"{count} {action}" for action, count in counts.items() if count))
    return EXIT_OK
