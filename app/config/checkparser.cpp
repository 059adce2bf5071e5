#include "checkparser.h"

#include "config/configvalues.h"
#include "config/remediationparser.h"

#include <QHash>
#include <QTimeZone>
#include <QUrl>
#include <climits>

namespace hd::configparse {

void CheckParser::parseRedisServers(const YamlField& field)
{
    const auto servers = m_yaml.map(field, QStringLiteral("'redis'"), {}, QStringLiteral("redis server"));
    if (!servers)
        return;
    static const QStringList k = keys("url username password tls");
    for (const YamlField& entry : servers->all()) {
        RedisServerConfig server;
        server.name = entry.name;
        server.where = m_yaml.at(entry.key);
        // Registered even when broken, so that checks naming it get no second error.
        m_cfg.redis.insert(server.name, server);
        const auto f = m_yaml.map(entry, u"redis server " + quoted(entry.name), k);
        if (!f)
            continue;
        const YamlField* urlField = f->find(u"url");
        if (!urlField) {
            m_yaml.error(
                f->owner, u"redis server " + quoted(entry.name) + u" needs a url such as redis://127.0.0.1:6379/0");
            continue;
        }
        const auto text = m_yaml.string(*urlField);
        if (!text)
            continue;
        const QUrl url(text->trimmed(), QUrl::StrictMode);
        bool dbOk = true;
        const QString path = url.path();
        const int db = path.isEmpty() || path == u"/" ? 0 : path.mid(1).toInt(&dbOk);
        if (!url.isValid() || (url.scheme() != u"redis" && url.scheme() != u"rediss") || url.host().isEmpty() || !dbOk
            || db < 0) {
            m_yaml.error(m_yaml.atKeyOrValue(*urlField),
                u"bad redis url " + YamlReader::describe(urlField->value)
                    + u": use redis://host:port/db, or rediss:// for TLS");
            continue;
        }
        server.tls = url.scheme() == u"rediss";
        server.host = url.host();
        server.port = quint16(url.port(6379));
        server.db = db;
        server.username = url.userName(QUrl::FullyDecoded);
        server.password = url.password(QUrl::FullyDecoded);
        if (!server.password.isEmpty())
            m_yaml.noteSecret(*urlField, QStringLiteral("password in the url"));
        // Explicit keys win; an unset ${VAR} leaves what the url says.
        if (const auto user = m_yaml.string(*f, u"username"); user && !user->isEmpty())
            server.username = *user;
        if (const auto pass = m_yaml.secret(*f, u"password"); pass && !pass->isEmpty())
            server.password = *pass;
        if (const YamlField* tls = f->find(u"tls")) {
            parseTls(*tls, server.tlsFiles);
            if (!server.tls && server.tlsFiles.isSet()) {
                m_yaml.warning(m_yaml.at(tls->key),
                    u"redis server " + quoted(entry.name)
                        + u": 'tls' is not used with redis://; write rediss:// to connect with TLS");
            }
        }
        m_cfg.redis.insert(server.name, server);
    }
}

void CheckParser::parseServices(const YamlField& field)
{
    if (field.value.IsNull())
        return;
    if (!field.value.IsSequence()) {
        m_yaml.error(m_yaml.at(field.value),
            u"'services' must be a list (- name: ...), found " + YamlReader::describe(field.value));
        return;
    }
    static const QStringList k = keys("name group depends_on checks remediate");
    QHash<QString, SourceLocation> seen;
    m_cfg.services.reserve(m_cfg.services.size() + field.value.size());
    for (const YamlNode& node : field.value) {
        const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("a service"), k);
        if (!f)
            continue;
        ServiceConfig svc;
        svc.where = m_yaml.at(node);
        svc.name = name(*f, QStringLiteral("a service")).value_or(QString());
        if (!svc.name.isEmpty()) {
            const SourceLocation at = m_yaml.at(f->find(u"name")->value);
            if (seen.contains(svc.name))
                m_yaml.error(at, u"duplicate service " + quoted(svc.name) + u' ' + lineOf(seen.value(svc.name)));
            else
                seen.insert(svc.name, at);
        }
        svc.group = m_yaml.string(*f, u"group").value_or(QString()).trimmed();
        QList<LocatedString> deps = m_yaml.stringList(*f, u"depends_on").value_or(QList<LocatedString>());
        for (const LocatedString& d : std::as_const(deps)) {
            if (!svc.dependsOn.contains(d.text))
                svc.dependsOn += d.text;
        }
        const YamlField* checks = f->find(u"checks");
        const QString label = svc.name.isEmpty() ? QStringLiteral("a service") : u"service " + quoted(svc.name);
        const bool noChecks
            = !checks || checks->value.IsNull() || (checks->value.IsSequence() && checks->value.size() == 0);
        if (noChecks && m_state.sourcesDeclared) {
            // The service of alerts: its entry gives their rows a group and dependencies, the source the rows.
        } else if (noChecks) {
            m_yaml.error(
                checks ? m_yaml.at(checks->key) : f->owner, label + u" needs at least one check under 'checks'");
        } else if (!checks->value.IsSequence()) {
            m_yaml.error(m_yaml.at(checks->value),
                u"'checks' must be a list (- name: ...), found " + YamlReader::describe(checks->value));
        } else {
            QHash<QString, SourceLocation> checkNames;
            svc.checks.reserve(checks->value.size());
            for (const YamlNode& c : checks->value)
                parseCheck(c, svc, checkNames);
        }
        if (const YamlField* r = f->find(u"remediate"))
            svc.remediate = RemediationParser(m_state).parseRemediate(*r, svc.name);
        m_cfg.services += std::move(svc);
        m_state.deps += deps;
    }
}

void CheckParser::parseCheck(const YamlNode& node, ServiceConfig& svc, QHash<QString, SourceLocation>& names)
{
    static const QStringList k = keys("name tags interval timeout failure_threshold success_threshold severity "
                                      "active conditions max_connections_per_host empty remediate")
        + probeKeys();
    const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("a check"), k);
    if (!f)
        return;
    const Defaults& d = m_cfg.defaults;
    CheckConfig c;
    c.service = svc.name;
    c.where = m_yaml.at(node);
    c.name = name(*f, QStringLiteral("a check")).value_or(QString());
    if (!c.name.isEmpty()) {
        const SourceLocation at = m_yaml.at(f->find(u"name")->value);
        if (names.contains(c.name)) {
            m_yaml.error(at,
                u"duplicate check " + quoted(c.name) + u" in service " + quoted(svc.name) + u' '
                    + lineOf(names.value(c.name)));
        } else {
            names.insert(c.name, at);
        }
    }
    for (const LocatedString& t : m_yaml.stringList(*f, u"tags").value_or(QList<LocatedString>()))
        c.tags += t.text.trimmed();
    c.intervalMs = m_yaml.duration(*f, u"interval").value_or(d.intervalMs);
    c.timeoutMs = m_yaml.duration(*f, u"timeout").value_or(d.timeoutMs);
    c.failureThreshold = m_yaml.integer(*f, u"failure_threshold", 1, INT_MAX).value_or(d.failureThreshold);
    c.successThreshold = m_yaml.integer(*f, u"success_threshold", 1, INT_MAX).value_or(d.successThreshold);
    c.severity = severity(*f).value_or(d.severity);
    c.maxConnectionsPerHost
        = m_yaml.integer(*f, u"max_connections_per_host", 1, 10'000).value_or(d.maxConnectionsPerHost);
    if (const YamlField* active = f->find(u"active")) {
        c.active = m_yaml.string(*active).value_or(QString()).trimmed();
        if (!c.active.isEmpty() && !m_cfg.calendars.contains(c.active)) {
            const QString hint = didYouMean(c.active, m_cfg.calendars.keys());
            m_yaml.error(m_yaml.atKeyOrValue(*active),
                u"unknown calendar " + quoted(c.active)
                    + (hint.isEmpty() ? QStringLiteral(": define it under calendars:") : hint));
        }
    }
    if (const YamlField* conditions = f->find(u"conditions"))
        parseConditions(*conditions, c);

    const QString kinds = QStringLiteral("http, redis, tcp, file, exec or prometheus");
    if (const YamlField* probe
        = exactlyOne(*f, probeKeys(), u"a check needs exactly one probe: " + kinds + u"; found none",
            u"a check needs exactly one probe: " + kinds)) {
        if (probe->name == u"http")
            parseHttp(*probe, c);
        else if (probe->name == u"redis")
            parseRedisProbe(*probe, c);
        else if (probe->name == u"tcp")
            parseTcp(*probe, c);
        else if (probe->name == u"file")
            parseFile(*probe, c);
        else if (probe->name == u"prometheus")
            parsePrometheus(*probe, c);
        else
            parseExec(*probe, c);
    }
    if (const YamlField* empty = f->find(u"empty")) {
        const QString value = m_yaml.string(*empty).value_or(QString()).trimmed();
        if (c.kind != ProbeKind::Prometheus)
            m_yaml.error(m_yaml.at(empty->key), QStringLiteral("'empty' applies to prometheus checks only"));
        else if (value == u"ok" || value == u"down")
            c.settings<PrometheusProbeConfig>().emptyOk = value == u"ok";
        else
            m_yaml.error(m_yaml.atKeyOrValue(*empty),
                u"bad 'empty' " + YamlReader::describe(empty->value)
                    + u": use down (the default) or ok, for what a query with no series means");
    }
    if (const YamlField* r = f->find(u"remediate"))
        c.remediate = RemediationParser(m_state).parseRemediate(*r, svc.name);
    svc.checks += std::move(c);
}

void CheckParser::parseConditions(const YamlField& field, CheckConfig& c)
{
    if (field.value.IsNull())
        return;
    if (!field.value.IsSequence()) {
        m_yaml.error(m_yaml.at(field.value),
            u"'conditions' must be a list of strings, found " + YamlReader::describe(field.value));
        return;
    }
    c.conditions.reserve(field.value.size());
    for (const YamlNode& item : field.value) {
        ConditionSpec spec;
        YamlNode text = item;
        if (item.IsMap()) {
            const auto f = m_yaml.map(item, m_yaml.at(item), QStringLiteral("a condition"), { QStringLiteral("warn") });
            if (!f)
                continue;
            const YamlField* warn = f->find(u"warn");
            if (!warn) {
                if (item.size() == 0) // otherwise the unknown key is already reported
                    m_yaml.error(m_yaml.at(item),
                        QStringLiteral("a condition map needs 'warn': - warn: \"[RESPONSE_TIME] < 300\""));
                continue;
            }
            spec.warn = true;
            text = warn->value;
        }
        if (!text.IsScalar()) {
            m_yaml.error(m_yaml.at(text),
                u"a condition must be a string or { warn: \"...\" }, found " + YamlReader::describe(text));
            continue;
        }
        spec.expression = m_yaml.scalarText(text, QStringLiteral("a condition")).value_or(QString());
        spec.where = m_yaml.atContent(text);
        if (spec.expression.trimmed().isEmpty()) {
            m_yaml.error(spec.where, QStringLiteral("empty condition"));
            continue;
        }
        c.conditions += spec;
    }
}

void CheckParser::parseHttp(const YamlField& field, CheckConfig& c)
{
    static const QStringList k = keys("url method headers body auth tls max_redirects max_body");
    c.kind = ProbeKind::Http;
    HttpProbeConfig& h = c.http;
    h.maxBodyBytes = m_cfg.defaults.maxBodyBytes;
    const auto f = m_yaml.map(field, QStringLiteral("'http'"), k);
    if (!f)
        return;
    const QString missing = QStringLiteral("an http check needs a url");
    if (const YamlField* url = f->find(u"url"))
        h.url = httpUrl(*url, missing).value_or(QUrl());
    else
        m_yaml.error(f->owner, missing);
    if (const YamlField* m = f->find(u"method"))
        h.method = method(*m).value_or(h.method);
    if (const YamlField* headers = f->find(u"headers"))
        parseHeaders(*headers, h);
    if (const YamlField* body = f->find(u"body")) {
        if (body->value.IsMap() || body->value.IsSequence())
            m_yaml.error(m_yaml.at(body->value), QStringLiteral("'body' must be a string; write JSON in quotes"));
        else
            h.body = m_yaml.string(*body).value_or(QString()).toUtf8();
    }
    parseAuthAndTls(*f, h);
    h.maxRedirects = m_yaml.integer(*f, u"max_redirects", 0, 100).value_or(h.maxRedirects);
    h.maxBodyBytes = m_yaml.size(*f, u"max_body").value_or(h.maxBodyBytes);
}

// prometheus: { url, query, headers, auth, tls, max_body }: an instant query, sent as
// GET URL/api/v1/query?query=... by the http probe.
void CheckParser::parsePrometheus(const YamlField& field, CheckConfig& c)
{
    static const QStringList k = keys("url query headers auth tls max_body");
    c.kind = ProbeKind::Prometheus;
    HttpProbeConfig& h = c.http;
    h.maxBodyBytes = m_cfg.defaults.maxBodyBytes;
    h.maxRedirects = 0;
    const auto f = m_yaml.map(field, QStringLiteral("'prometheus'"), k);
    if (!f)
        return;
    if (const YamlField* url = f->find(u"url"))
        c.settings<PrometheusProbeConfig>().url
            = httpUrl(*url, QStringLiteral("a prometheus check needs the server's url")).value_or(QUrl());
    else
        m_yaml.error(f->owner, QStringLiteral("a prometheus check needs the server's url"));
    c.settings<PrometheusProbeConfig>().query
        = required(*f, u"query", QStringLiteral("a prometheus check needs a query, such as 'up{job=\"trading\"}'"))
              .value_or(QString())
              .trimmed();
    if (const YamlField* headers = f->find(u"headers"))
        parseHeaders(*headers, h);
    parseAuthAndTls(*f, h);
    h.maxBodyBytes = m_yaml.size(*f, u"max_body").value_or(h.maxBodyBytes);
    if (c.prometheus().url.isValid())
        h.url = apiUrl(c.prometheus().url, QStringLiteral("/api/v1/query"),
            u"query=" + QString::fromLatin1(QUrl::toPercentEncoding(c.prometheus().query)));
}

void CheckParser::parseRedisProbe(const YamlField& field, CheckConfig& c)
{
    static const QStringList k = keys("server key hash stream pattern ping");
    static const QStringList modes = keys("key hash stream pattern ping");
    c.kind = ProbeKind::Redis;
    RedisProbeConfig& p = c.settings<RedisProbeConfig>();
    const auto f = m_yaml.map(field, QStringLiteral("'redis'"), k);
    if (!f)
        return;
    const QStringList servers = m_cfg.redis.keys();
    if (const auto server = required(*f, u"server",
            u"a redis check needs a server"
                + (servers.isEmpty() ? QStringLiteral(" defined under redis:") : u": " + servers.join(u", ")))) {
        p.server = server->trimmed();
        if (!m_cfg.redis.contains(p.server)) {
            const QString hint = didYouMean(p.server, servers);
            m_yaml.error(m_yaml.at(f->find(u"server")->value),
                u"unknown redis server " + quoted(p.server)
                    + (hint.isEmpty() ? QStringLiteral(": define it under redis:") : hint));
        }
    }
    const YamlField* mode
        = exactlyOne(*f, modes, QStringLiteral("a redis check needs one of key, hash, stream, pattern or ping: true"),
            QStringLiteral("a redis check takes one of key, hash, stream, pattern or ping"));
    if (!mode)
        return;
    if (mode->name == u"ping") {
        p.mode = RedisProbeConfig::Mode::Ping;
        if (const auto on = m_yaml.boolean(*mode); on && !*on)
            m_yaml.error(
                m_yaml.at(mode->value), QStringLiteral("'ping' can only be true; to check a key write key: NAME"));
        return;
    }
    static const QHash<QString, RedisProbeConfig::Mode> byName = {
        { QStringLiteral("key"), RedisProbeConfig::Mode::Key },
        { QStringLiteral("hash"), RedisProbeConfig::Mode::Hash },
        { QStringLiteral("stream"), RedisProbeConfig::Mode::Stream },
        { QStringLiteral("pattern"), RedisProbeConfig::Mode::Pattern },
    };
    p.mode = byName.value(mode->name);
    p.key = m_yaml.string(*mode).value_or(QString());
    if (p.key.isEmpty())
        m_yaml.error(m_yaml.atKeyOrValue(*mode), u'\'' + mode->name + u"' needs a key name");
}

void CheckParser::parseTcp(const YamlField& field, CheckConfig& c)
{
    c.kind = ProbeKind::Tcp;
    const auto f = m_yaml.map(field, QStringLiteral("'tcp'"), keys("host port"));
    if (!f)
        return;
    c.settings<TcpProbeConfig>().host
        = required(*f, u"host", QStringLiteral("a tcp check needs a host")).value_or(QString()).trimmed();
    if (const YamlField* port = f->find(u"port"))
        c.settings<TcpProbeConfig>().port = quint16(m_yaml.integer(*port, 1, 65535).value_or(0));
    else
        m_yaml.error(f->owner, QStringLiteral("a tcp check needs a port"));
}

void CheckParser::parseFile(const YamlField& field, CheckConfig& c)
{
    c.kind = ProbeKind::File;
    const auto f = m_yaml.map(field, QStringLiteral("'file'"), keys("path writable max_age"));
    if (!f)
        return;
    c.settings<FileProbeConfig>().path
        = resolvePath(required(*f, u"path", QStringLiteral("a file check needs a path")).value_or(QString()));
    c.settings<FileProbeConfig>().writable = m_yaml.boolean(*f, u"writable").value_or(false);
    if (const auto age = m_yaml.duration(*f, u"max_age"))
        c.settings<FileProbeConfig>().maxAgeMs = *age;
}

void CheckParser::parseExec(const YamlField& field, CheckConfig& c)
{
    c.kind = ProbeKind::Exec;
    c.settings<ExecProbeConfig>().workingDirectory = m_dir.absolutePath();
    const auto f = m_yaml.map(field, QStringLiteral("'exec'"), keys("command workdir"));
    if (!f)
        return;
    const QString example = QStringLiteral(" such as [\"python3\", \"check.py\"]; it runs without a shell");
    if (const YamlField* command = f->find(u"command")) {
        if (command->value.IsScalar()) {
            m_yaml.error(m_yaml.at(command->value), u"'command' must be a list of arguments" + example);
        } else if (const auto argv = m_yaml.stringList(*command)) {
            for (const LocatedString& arg : *argv)
                c.settings<ExecProbeConfig>().command += arg.text;
            if (c.exec().command.isEmpty() || c.exec().command.first().isEmpty())
                m_yaml.error(m_yaml.atKeyOrValue(*command), u"'command' needs a program" + example);
        }
    } else {
        m_yaml.error(f->owner, u"an exec check needs a command" + example);
    }
    if (const auto dir = m_yaml.string(*f, u"workdir"); dir && !dir->isEmpty())
        c.settings<ExecProbeConfig>().workingDirectory = resolvePath(*dir);
}

} // namespace hd::configparse
