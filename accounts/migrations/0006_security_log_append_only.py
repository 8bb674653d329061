"""The security log is append-only in the database itself (PostgreSQL): UPDATE is refused, and
DELETE only for rows past the retention period while the archive command says so
(SET LOCAL xiage.audit_archive = 'on'). SQLite (development) has no such trigger."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION accounts_securityevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('xiage.audit_archive', true) = 'on'
       AND OLD.at < now() - make_interval(days => 180) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'security log rows cannot be changed or deleted (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_securityevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_securityevent
    FOR EACH ROW EXECUTE FUNCTION accounts_securityevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS accounts_securityevent_append_only ON accounts_securityevent;
DROP FUNCTION IF EXISTS accounts_securityevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the function's RAISE format has a literal % for psycopg to leave alone.
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_security_log")]

    operations = [migrations.RunPython(forwards, backwards)]
