"""Import a portfolio file: one write path, through the screens' own forms, all or nothing.

The dry run and the import are the same code: the dry run runs every write inside a transaction
and rolls it back, so it finds every problem the real import would meet (a form error, an unknown
municipality, a stream of a project that is not there) and names sheet, row and column. The import
commits only when there are none. A record's natural key makes a second import of the same file
change nothing: a project is found by its external id or by name and municipality, a funding
stream by project, regulation and start date, a coalition member by project and organisation, a
goal by project and text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from proeftuin.accounts.models import Organisation
from proeftuin.administration.pickers import pickable_organisations
from proeftuin.common.intake_text import in_both_languages
from proeftuin.core import portfolio_exchange as core
from proeftuin.core.intake.errors import IntakeError
from proeftuin.core.intake.isolation import isolation_available, run_isolated
from proeftuin.core.intake.safety import Limits

from .forms import CoalitionMemberForm, FundingStreamForm, GoalForm, ProjectForm
from .models import CoalitionMember, FundingStream, Goal, Phase, PolicyDomain, Project, Theme
from .registry import Municipality, PartnerOrganisation

#: Portfolio files are small: a lower ceiling than the monitoring intake's.
LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=20_000, max_seconds=60.0)
PROJECT_KEYS = {"project.name", "project.external_id"}
#: Form fields that say nothing about the row itself: not a change when only they differ.
QUIET = {"edit_version", "change_reason"}


def read(content: bytes, name: str) -> core.PortfolioFile:
    """Parse the file in the intake's isolated worker (memory and time limits), when available."""
    if isolation_available():
        return run_isolated(
            core.read_portfolio, (content, name, LIMITS), {}, file=name, limits=LIMITS
        )
    return core.read_portfolio(content, name, LIMITS)


@dataclass
class Outcome:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    problems: list[IntakeError] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def to_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [p.to_dict() for p in self.problems[:500]],
            "problem_count": len(self.problems),
        }


def _choice(text: str | None, choices) -> str | None:
    """A choice's value from its value or its (Dutch) label, case-insensitive."""
    if text is None:
        return None
    wanted = core.normalise(text)
    for value, label in choices:
        if wanted in (core.normalise(value), core.normalise(str(label))):
            return value
    return ""


class _Run:
    def __init__(self, tenant: Organisation, user, file: str, today: dt.date, progress=None):
        self.tenant, self.user, self.file, self.today = tenant, user, file, today
        self.out = Outcome()
        self.projects: dict[tuple, Project] = {}
        self.seen: set[tuple] = set()
        self.progress = progress or (lambda percent: None)

    # Problems ----------------------------------------------------------------------------------
    def problem(self, record: core.Record, key: str | None, message: str, **params: object) -> None:
        """A problem with a row: ``message`` is its key in :mod:`proeftuin.common.intake_text`."""
        letter, header = record.where.get(key, (None, None)) if key else (None, None)
        self.out.problems.append(
            IntakeError(
                "invalid",
                params,
                self.file,
                record.sheet,
                record.row,
                letter,
                header,
                record.values.get(key, "")[:40] if key else None,
                key=message,
            )
        )

    def errors_problem(self, record: core.Record, key: str | None, errors) -> None:
        """A form's errors for one field (a ``ValidationError``), in both languages."""
        self.problem(
            record, key, "form_error", text=in_both_languages(lambda: " ".join(errors.messages))
        )

    def form_problems(self, record: core.Record, prefix: str, form) -> None:
        # An error on a field the file has no column for is shown at the group's first column.
        fallback = next((k for k in record.where if k.startswith(prefix + ".")), None)
        for name, errors in form.errors.as_data().items():
            key = f"{prefix}.{name}" if f"{prefix}.{name}" in record.where else None
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:

                def text(error=error, label=label, key=key) -> str:
                    joined = " ".join(error.messages)
                    return f"{label}: {joined}" if label and key is None else joined

                self.problem(record, key or fallback, "form_error", text=in_both_languages(text))

    # Lookups -----------------------------------------------------------------------------------
    def municipality(self, record: core.Record) -> tuple[bool, Municipality | None]:
        code = (record.values.get("project.municipality_code") or "").strip().upper()
        name = (record.values.get("project.municipality") or "").strip()
        scope = Municipality.objects.filter(organisation=self.tenant)
        if code:
            found = scope.filter(cbs_code=code).first()
            if found is None:
                from .registry_forms import MunicipalityForm

                form = MunicipalityForm(
                    {"cbs_code": code, "name": name or code}, tenant=self.tenant
                )
                if not form.is_valid():
                    for errors in form.errors.as_data().values():
                        for error in errors:
                            self.errors_problem(record, "project.municipality_code", error)
                    return False, None
                found = form.save()
                self.out.count(self.out.created, "gemeente")
            return True, found
        if name:
            found = scope.filter(name__iexact=name).first()
            if found is None:
                self.problem(record, "project.municipality", "municipality_unknown", name=name)
                return False, None
            return True, found
        return True, None

    def project_key(self, record: core.Record, municipality) -> tuple:
        external = (record.values.get("project.external_id") or "").strip()
        if external:
            return ("id", external)
        name = record.values.get("project.name", "").strip().lower()
        return ("naam", name, municipality.pk if municipality else None)

    def find_project(self, record: core.Record, municipality) -> Project | None:
        key = self.project_key(record, municipality)
        if key in self.projects:
            return self.projects[key]
        owned = Project.objects.filter(owner=self.tenant)
        if key[0] == "id":
            found = owned.filter(external_id=key[1]).first()
        else:
            found = owned.filter(name__iexact=key[1], municipality=municipality).first()
            if found is None and municipality is None:
                matches = list(owned.filter(name__iexact=key[1])[:2])
                found = matches[0] if len(matches) == 1 else None
        if found is not None:
            self.projects[key] = found
        return found

    def organisation(self, record: core.Record, key: str, project: Project) -> Organisation | None:
        name = record.values.get(key, "").strip()
        found = pickable_organisations(self.tenant.pk, project).filter(name__iexact=name).first()
        if found is not None:
            return found
        from .registry_services import save_partner

        kind = "gemeente" if core.normalise(name).startswith("gemeente ") else "overig"
        registry = PartnerOrganisation.objects.filter(organisation=self.tenant, name__iexact=name)
        if registry.exists():
            return registry.first().identity

        from .registry_forms import PartnerForm

        form = PartnerForm({"name": name, "kind": kind}, tenant=self.tenant)
        if not form.is_valid():
            for errors in form.errors.as_data().values():
                for error in errors:
                    self.errors_problem(record, key, error)
            return None
        partner = save_partner(form, self.user)
        self.out.count(self.out.created, "partner")
        return partner.identity

    # Writes ------------------------------------------------------------------------------------
    def upsert(self, record, prefix: str, kind: str, form, instance) -> object | None:
        if not form.is_valid():
            self.form_problems(record, prefix, form)
            return None
        if instance is not None and not set(form.changed_data) - QUIET:
            self.out.count(self.out.unchanged, kind)
            return instance
        form.instance._change_reason = f"Import {self.file}"
        saved = (
            form.save_versioned(commit_extra=self._attach)
            if hasattr(form, "save_versioned")
            else form.save()
        )
        if saved is None:
            self.form_problems(record, prefix, form)
            return None
        self.out.count(self.out.updated if instance is not None else self.out.created, kind)
        return saved

    def _attach(self, obj) -> None:
        if self._project is not None:
            obj.project = self._project
        elif self._external:
            obj.external_id = self._external
        obj._change_reason = f"Import {self.file}"

    _project: Project | None = None
    _external: str = ""

    def project(self, record: core.Record) -> Project | None:
        fields = record.group("project")
        if not fields.get("name"):
            self.problem(record, None, "project_name_missing")
            return None
        ok, municipality = self.municipality(record)
        if not ok:
            return None
        instance = self.find_project(record, municipality)
        only_key = set(record.values) & {k for k in core.FIELDS if k.startswith("project.")} <= (
            PROJECT_KEYS | {"project.municipality", "project.municipality_code"}
        )
        key = self.project_key(record, municipality)
        if instance is not None and (only_key or key in self.seen):
            return instance
        if instance is None and only_key and not fields.get("start_date"):
            self.problem(record, "project.name", "project_unknown", name=fields["name"])
            return None
        data = (
            {k: v for k, v in model_to_dict(instance).items() if v is not None}
            if instance
            else {
                "status": "lopend",
                "phase": Phase.IMPLEMENTATION,
                "summary": f"Geïmporteerd uit {self.file}.",
            }
        )
        if instance is not None:
            data["neighbourhoods"] = [h.pk for h in instance.neighbourhoods.all()]
            data["edit_version"] = instance.version
            data["themes"] = list(instance.themes)
        for name in ("name", "summary", "target_group", "start_date", "end_date"):
            if fields.get(name):
                data[name] = fields[name]
        data["municipality"] = municipality.pk if municipality else data.get("municipality")
        if fields.get("themes"):
            themes = []
            for part in fields["themes"].replace(";", ",").split(","):
                value = _choice(part.strip(), Theme.choices)
                if not value:
                    self.problem(record, "project.themes", "theme_unknown", name=part.strip())
                    return None
                themes.append(value)
            data["themes"] = themes
        for name, choices in (
            ("phase", Phase.choices),
            ("status", Project._meta.get_field("status").choices),
        ):
            if fields.get(name):
                value = _choice(fields[name], choices)
                if not value:
                    self.problem(record, f"project.{name}", "value_unknown", value=fields[name])
                    return None
                data[name] = value
        form = ProjectForm(data, instance=instance, owner=self.tenant)
        self._project, self._external = None, fields.get("external_id", "")
        saved = self.upsert(record, "project", "project", form, instance)
        if saved is not None:
            self.projects[self.project_key(record, municipality)] = saved
            self.seen.add(key)
        return saved

    def partner(self, record: core.Record) -> None:
        """A row of a partners sheet: the registry's own form and write path."""
        from .registry_forms import PartnerForm
        from .registry_services import save_partner

        values = record.group("partner")
        name = values.get("name", "").strip()
        if not name:
            return
        kind = (
            _choice(values.get("kind"), PartnerOrganisation.Kind.choices)
            if values.get("kind")
            else "overig"
        )
        if not kind:
            self.problem(record, "partner.kind", "partner_kind_unknown", value=values.get("kind"))
            return
        instance = PartnerOrganisation.objects.filter(
            organisation=self.tenant, name__iexact=name
        ).first()
        data = {
            "name": name,
            "kind": kind,
            "kvk_number": values.get("kvk_number", instance.kvk_number if instance else ""),
            "municipality": instance.municipality_id
            if instance and instance.municipality_id
            else "",
        }
        form = PartnerForm(data, instance=instance, tenant=self.tenant)
        if not form.is_valid():
            self.form_problems(record, "partner", form)
            return
        if instance is not None and not form.changed_data:
            self.out.count(self.out.unchanged, "partner")
            return
        save_partner(form, self.user)
        self.out.count(self.out.updated if instance else self.out.created, "partner")

    def child(self, record: core.Record, project: Project) -> None:
        self._project = project
        stream = record.group("stream")
        if stream.get("label") or stream.get("amount"):
            self.stream(record, project, stream)
        member = record.group("coalition")
        if member.get("organisation") or member.get("contact_person"):
            self.member(record, project, member)
        goal = record.group("goal")
        if goal.get("text"):
            self.goal(record, project, goal)

    def stream(self, record, project: Project, values: dict) -> None:
        label = values.get("label") or "Financiering"
        start = values.get("start_date") or project.start_date.isoformat()
        kind = (
            _choice(values.get("kind"), FundingStream.Kind.choices)
            if values.get("kind")
            else "incidenteel"
        )
        domain = (
            _choice(values.get("policy_domain"), PolicyDomain.choices)
            if values.get("policy_domain")
            else "overig"
        )
        if not kind or not domain:
            key = "stream.kind" if not kind else "stream.policy_domain"
            self.problem(record, key, "value_unknown", value=record.values.get(key))
            return
        if not values.get("funder"):
            self.problem(record, "stream.label", "funder_missing")
            return
        funder = self.organisation(record, "stream.funder", project)
        if funder is None:
            return
        end = values.get("end_date") or (project.end_date.isoformat() if project.end_date else "")
        instance = project.funding_streams.filter(label__iexact=label, start_date=start).first()
        data = {
            "label": label,
            "funder": funder.pk,
            "amount": values.get("amount") or (str(instance.amount) if instance else ""),
            "start_date": start,
            "end_date": end,
            "kind": kind,
            "policy_domain": domain,
            "conditions": instance.conditions if instance else "",
        }
        if instance is not None:
            data["edit_version"] = instance.version
        form = FundingStreamForm(
            data,
            instance=instance,
            organisations=pickable_organisations(self.tenant.pk, project)
            | Organisation.objects.filter(pk=funder.pk),
        )
        form.fields["amount"].localize = False
        self.upsert(record, "stream", "financiering", form, instance)

    def member(self, record, project: Project, values: dict) -> None:
        org = (
            self.organisation(record, "coalition.organisation", project)
            if values.get("organisation")
            else None
        )
        if values.get("organisation") and org is None:
            return
        role = (
            _choice(values.get("role"), CoalitionMember.RoleChoice.choices)
            if values.get("role")
            else "partner"
        )
        level = (
            _choice(values.get("level"), CoalitionMember.Level.choices)
            if values.get("level")
            else "uitvoerend"
        )
        if not role or not level:
            key = "coalition.role" if not role else "coalition.level"
            self.problem(record, key, "value_unknown", value=record.values.get(key))
            return
        existing = (
            project.coalition.filter(organisation=org)
            if org
            else project.coalition.filter(contact_person__iexact=values.get("contact_person", ""))
        )
        instance = existing.first()
        data = model_to_dict(instance) if instance else {}
        data = {k: v for k, v in data.items() if v is not None}
        data.update(organisation=org.pk if org else "", role=role, level=level)
        if values.get("contact_person"):
            data["contact_person"] = values["contact_person"]
        if instance is not None:
            data["edit_version"] = instance.version
        form = CoalitionMemberForm(
            data,
            instance=instance,
            organisations=pickable_organisations(self.tenant.pk, project)
            | (Organisation.objects.filter(pk=org.pk) if org else Organisation.objects.none()),
        )
        self.upsert(record, "coalition", "coalitie", form, instance)

    def goal(self, record, project: Project, values: dict) -> None:
        goal_type = (
            _choice(values.get("goal_type"), Goal.GoalType.choices)
            if values.get("goal_type")
            else "resultaat"
        )
        if not goal_type:
            self.problem(
                record, "goal.goal_type", "goal_type_unknown", value=values.get("goal_type")
            )
            return
        instance = project.goals.filter(text__iexact=values["text"].strip()).first()
        data = {
            "goal_type": goal_type,
            "text": values["text"],
            "indicator": values.get("indicator", ""),
        }
        if instance is not None:
            data.update(
                edit_version=instance.version,
                retired="on" if instance.retired else "",
                change_reason=f"Import {self.file}",
            )
            if not values.get("indicator"):
                data["indicator"] = instance.indicator
        self.upsert(record, "goal", "doel", GoalForm(data, instance=instance), instance)


def run(imp, user, *, commit: bool, progress=None) -> Outcome:
    """Apply the import's file and mapping; write only when ``commit`` and nothing is wrong."""
    parsed = read(bytes(imp.content), imp.original_name)
    today = timezone.localdate()
    job = _Run(imp.organisation, user, imp.original_name, today, progress)
    job.out.problems.extend(parsed.errors)
    all_records: list[core.Record] = []
    partner_records: list[core.Record] = []
    for sheet in parsed.sheets:
        mapping = (imp.mapping or {}).get(sheet.name) or core.default_mapping(sheet)
        if "project.name" in mapping.values():
            target = all_records
        elif "partner.name" in mapping.values():
            target = partner_records
        else:
            continue  # a sheet without projects or partners (a help sheet) is left alone
        found, errors = core.records(sheet, mapping, imp.original_name, today)
        # A row with a cell that could not be read is reported once, for that cell.
        unreadable = {e.row for e in errors}
        target.extend(r for r in found if r.row not in unreadable)
        job.out.problems.extend(errors)
    total = max(len(all_records), 1)
    with transaction.atomic():
        # Partners first, so funders and coalition members can name them; then projects (every
        # sheet), then what hangs under them.
        for record in partner_records:
            job.partner(record)
        resolved: list[tuple[core.Record, Project]] = []
        for index, record in enumerate(all_records):
            project = job.project(record)
            if project is not None:
                resolved.append((record, project))
            job.progress(int(50 * (index + 1) / total))
        for index, (record, project) in enumerate(resolved):
            job.child(record, project)
            job.progress(50 + int(50 * (index + 1) / total))
        if job.out.problems or not commit:
            transaction.set_rollback(True)
    return job.out
