#include "configloader.h"

#include "config/configvalues.h"
#include "config/yamlreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <climits>
#include <functional>

namespace hd {

namespace {

QStringList keys(const char* spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(u' ');
}

QString quoted(const QString& text)
{
    return u'\'' + text + u'\'';
}

// "http", "http and tcp", "http, tcp and file"
QString andList(const QStringList& items)
{
    if (items.size() <= 1)
        return items.value(0);
    return items.first(items.size() - 1).join(u", ") + u" and " + items.last();
}

QString didYouMean(const QString& word, const QStringList& candidates)
{
    const QString guess = closestMatch(word, candidates);
    return guess.isEmpty() ? QString() : u"; did you mean '" + guess + u"'?";
}

QString lineOf(const SourceLocation& where)
{
    return u"(first at line " + QString::number(where.line) + u')';
}

const QStringList& probeKeys()
{
    static const QStringList k = keys("http redis tcp file exec prometheus");
    return k;
}

// Builds a Config from the YAML tree; every problem goes to the reader.
class Loader final {
public:
    Loader(YamlReader& reader, const QString& baseDir, Config& config)
        : m_yaml(reader)
        , m_dir(baseDir)
        , m_cfg(config)
    {
    }

    void load(const YamlNode& root)
    {
        static const QStringList top
            = keys("version defaults redis calendars services sources admin maintenance history");
        const auto f = m_yaml.map(root, m_yaml.at(root), QStringLiteral("the top level"), top);
        if (!f)
            return;
        // A fixed order, whatever the file's: checks need defaults, servers and calendars first.
        if (const YamlField* v = f->find(u"version")) {
            const auto version = m_yaml.integer(*v, INT_MIN, INT_MAX);
            if (version && *version != 1) {
                m_yaml.error(m_yaml.at(v->value),
                    u"unsupported version " + QString::number(*version) + u": this healthdeck reads version 1");
            }
        }
        if (const YamlField* d = f->find(u"defaults"))
            parseDefaults(*d);
        if (const YamlField* x = f->find(u"redis"))
            parseRedisServers(*x);
        if (const YamlField* c = f->find(u"calendars"))
            parseCalendars(*c);
        // Known before the services: with a source, a service may have no checks of its own.
        if (const YamlField* src = f->find(u"sources"))
            m_sourcesDeclared = src->value.IsSequence() && src->value.size() > 0;
        if (const YamlField* s = f->find(u"services"))
            parseServices(*s);
        if (const YamlField* src = f->find(u"sources"))
            parseSources(*src);
        if (m_cfg.services.isEmpty() && !m_yaml.hasErrors()) {
            const YamlField* s = f->find(u"services");
            m_yaml.warning(s ? m_yaml.at(s->key) : f->owner, QStringLiteral("no services: there is nothing to check"));
        }
        checkDependencies();
        if (const YamlField* a = f->find(u"admin"))
            parseAdmin(*a);
        checkRemediations();
        if (const YamlField* m = f->find(u"maintenance"))
            parseMaintenance(*m);
        if (const YamlField* h = f->find(u"history"))
            parseHistory(*h);
    }

private:
    // ---- shared pieces ----

    QString resolvePath(const QString& path) const
    {
        if (path.isEmpty())
            return path;
        if (path == u"~" || path.startsWith(u"~/"))
            return QDir::cleanPath(QDir::homePath() + path.mid(1));
        return QDir::cleanPath(m_dir.absoluteFilePath(path));
    }

    // A required, non-empty string; reports at the owner when absent.
    std::optional<QString> required(const YamlFields& f, QStringView name, const QString& missing)
    {
        const YamlField* field = f.find(name);
        if (!field) {
            m_yaml.error(f.owner, missing);
            return std::nullopt;
        }
        const auto text = m_yaml.string(*field);
        if (text && text->trimmed().isEmpty()) {
            m_yaml.error(m_yaml.atKeyOrValue(*field), missing);
            return std::nullopt;
        }
        return text;
    }

    // Names that become parts of "service/check/item" keys.
    std::optional<QString> name(const YamlFields& f, const QString& what)
    {
        const auto text = required(f, u"name", what + u" needs a name");
        if (!text)
            return std::nullopt;
        if (text->contains(u'/')) {
            m_yaml.error(
                m_yaml.at(f.find(u"name")->value), what + u" name " + quoted(*text) + u" must not contain '/'");
            return std::nullopt;
        }
        return text->trimmed();
    }

    std::optional<Severity> severity(const YamlFields& f)
    {
        const YamlField* field = f.find(u"severity");
        const auto text = field ? m_yaml.string(*field) : std::nullopt;
        if (!text)
            return std::nullopt;
        const auto s = severityFromName(text->trimmed());
        if (!s)
            m_yaml.error(
                m_yaml.atKeyOrValue(*field), u"unknown severity " + quoted(*text) + u": use critical or warning");
        return s;
    }

    // Exactly one of `options` present; returns it (in file order) or reports.
    const YamlField* exactlyOne(
        const YamlFields& f, const QStringList& options, const QString& none, const QString& many)
    {
        QList<const YamlField*> present;
        for (const YamlField& field : f.all()) {
            if (options.contains(field.name))
                present += &field;
        }
        std::sort(present.begin(), present.end(), [this](const YamlField* a, const YamlField* b) {
            const SourceLocation la = m_yaml.at(a->key), lb = m_yaml.at(b->key);
            return std::pair(la.line, la.column) < std::pair(lb.line, lb.column);
        });
        if (present.isEmpty()) {
            m_yaml.error(f.owner, none);
            return nullptr;
        }
        if (present.size() > 1) {
            QStringList names;
            for (const YamlField* p : std::as_const(present))
                names += p->name;
            m_yaml.error(m_yaml.at(present[1]->key), many + u"; found " + andList(names));
            return nullptr;
        }
        return present.first();
    }

    std::optional<QUrl> httpUrl(const YamlField& field, const QString& missing)
    {
        const auto text = m_yaml.string(field);
        if (!text)
            return std::nullopt;
        if (text->trimmed().isEmpty()) {
            m_yaml.error(m_yaml.atKeyOrValue(field), missing);
            return std::nullopt;
        }
        const QUrl url(text->trimmed(), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
            // The text as written: an expanded URL may carry a secret.
            m_yaml.error(m_yaml.at(field.value),
                u"bad url " + YamlReader::describe(field.value) + u": use http:// or https:// and a host");
            return std::nullopt;
        }
        return url;
    }

    void parseTls(const YamlField& field, TlsClientConfig& tls)
    {
        static const QStringList k = keys("ca cert key insecure");
        const auto f = m_yaml.map(field, QStringLiteral("'tls'"), k);
        if (!f)
            return;
        tls.caFile = resolvePath(m_yaml.string(*f, u"ca").value_or(QString()));
        tls.certFile = resolvePath(m_yaml.string(*f, u"cert").value_or(QString()));
        tls.keyFile = resolvePath(m_yaml.string(*f, u"key").value_or(QString()));
        tls.insecure = m_yaml.boolean(*f, u"insecure").value_or(false);
        if (!tls.keyFile.isEmpty() && tls.certFile.isEmpty())
            m_yaml.error(m_yaml.at(f->find(u"key")->key), QStringLiteral("a client 'key' needs its 'cert'"));
    }

    std::optional<BasicAuth> parseBasic(const YamlField& field)
    {
        const auto f = m_yaml.map(field, QStringLiteral("'basic'"), keys("username password"));
        if (!f)
            return std::nullopt;
        BasicAuth basic;
        basic.username = required(*f, u"username", QStringLiteral("basic auth needs a username")).value_or(QString());
        basic.password = m_yaml.secret(*f, u"password").value_or(QString());
        return basic;
    }

    // ---- top-level sections ----

    void parseDefaults(const YamlField& field)
    {
        static const QStringList k
            = keys("interval timeout failure_threshold success_threshold severity max_body max_connections_per_host");
        const auto f = m_yaml.map(field, QStringLiteral("'defaults'"), k);
        if (!f)
            return;
        Defaults& d = m_cfg.defaults;
        d.intervalMs = m_yaml.duration(*f, u"interval").value_or(d.intervalMs);
        d.timeoutMs = m_yaml.duration(*f, u"timeout").value_or(d.timeoutMs);
        d.failureThreshold = m_yaml.integer(*f, u"failure_threshold", 1, INT_MAX).value_or(d.failureThreshold);
        d.successThreshold = m_yaml.integer(*f, u"success_threshold", 1, INT_MAX).value_or(d.successThreshold);
        d.severity = severity(*f).value_or(d.severity);
        d.maxBodyBytes = m_yaml.size(*f, u"max_body").value_or(d.maxBodyBytes);
        d.maxConnectionsPerHost
            = m_yaml.integer(*f, u"max_connections_per_host", 1, 10'000).value_or(d.maxConnectionsPerHost);
    }

    void parseRedisServers(const YamlField& field)
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
            if (!url.isValid() || (url.scheme() != u"redis" && url.scheme() != u"rediss") || url.host().isEmpty()
                || !dbOk || db < 0) {
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

    std::optional<QByteArray> timezone(const YamlField& field)
    {
        const auto text = m_yaml.string(field);
        if (!text)
            return std::nullopt;
        const QByteArray id = text->trimmed().toUtf8();
        if (id.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(id)) {
            QStringList known;
            const QList<QByteArray> ids = QTimeZone::availableTimeZoneIds();
            for (const QByteArray& z : ids)
                known += QString::fromUtf8(z);
            const QString hint = didYouMean(*text, known);
            m_yaml.error(m_yaml.atKeyOrValue(field),
                u"unknown timezone " + quoted(*text)
                    + (hint.isEmpty() ? QStringLiteral(": use an IANA name such as Europe/London") : hint));
            return std::nullopt;
        }
        return id;
    }

    void parseCalendars(const YamlField& field)
    {
        const auto calendars = m_yaml.map(field, QStringLiteral("'calendars'"), {}, QStringLiteral("calendar"));
        if (!calendars)
            return;
        static const QStringList k = keys("timezone sessions holidays");
        for (const YamlField& entry : calendars->all()) {
            CalendarConfig cal;
            cal.name = entry.name;
            cal.where = m_yaml.at(entry.key);
            m_cfg.calendars.insert(cal.name, cal);
            const auto f = m_yaml.map(entry, u"calendar " + quoted(entry.name), k);
            if (!f)
                continue;
            if (const YamlField* tz = f->find(u"timezone"))
                cal.timezone = timezone(*tz).value_or(QByteArray());
            else
                m_yaml.error(f->owner, u"calendar " + quoted(entry.name) + u" needs a timezone such as Asia/Kolkata");
            const auto sessions = m_yaml.stringList(*f, u"sessions");
            if (!f->has(u"sessions") || (sessions && sessions->isEmpty())) {
                m_yaml.error(
                    f->owner, u"calendar " + quoted(entry.name) + u" needs sessions such as [\"Mon-Fri 09:15-15:30\"]");
            }
            for (const LocatedString& s : sessions.value_or(QList<LocatedString>())) {
                QString why;
                if (const auto session = parseWeeklySession(s.text, &why))
                    cal.sessions += *session;
                else
                    m_yaml.error(s.where, why);
            }
            for (const LocatedString& h : m_yaml.stringList(*f, u"holidays").value_or(QList<LocatedString>())) {
                const QString text = h.text.trimmed();
                const QDate date = QDate::fromString(text, u"yyyy-MM-dd");
                if (date.isValid() && text.size() == 10)
                    cal.holidays += date;
                else
                    m_yaml.error(h.where, u"bad holiday date " + quoted(h.text) + u": use YYYY-MM-DD");
            }
            m_cfg.calendars.insert(cal.name, cal);
        }
    }

    // sources: - alertmanager: { name, url, interval, filter, map, ack, watchdog, headers, auth, tls }
    void parseSources(const YamlField& field)
    {
        if (field.value.IsNull())
            return;
        if (!field.value.IsSequence()) {
            m_yaml.error(m_yaml.at(field.value),
                u"'sources' must be a list (- alertmanager: ...), found " + YamlReader::describe(field.value));
            return;
        }
        QStringList taken;
        for (const ServiceConfig& svc : std::as_const(m_cfg.services))
            taken << svc.name;
        for (const auto& node : field.value) {
            const auto outer = m_yaml.map(node, m_yaml.at(node), QStringLiteral("a source"), keys("alertmanager"));
            if (!outer)
                continue;
            const YamlField* am = outer->find(u"alertmanager");
            if (!am) {
                m_yaml.error(m_yaml.at(node), QStringLiteral("a source needs its kind: alertmanager"));
                continue;
            }
            static const QStringList k = keys("name url interval timeout filter map ack watchdog headers auth tls");
            const auto f = m_yaml.map(*am, QStringLiteral("'alertmanager'"), k);
            if (!f)
                continue;
            m_hasSources = true;
            AlertmanagerSourceConfig src;
            src.name = name(*f, QStringLiteral("an alertmanager source")).value_or(QString());
            if (!src.name.isEmpty() && taken.contains(src.name)) {
                m_yaml.error(m_yaml.at(f->find(u"name")->value),
                    u"the source " + quoted(src.name) + u" takes a name a service or another source already has");
                continue;
            }
            taken << src.name;
            CheckConfig c;
            c.service = src.name;
            c.name = QStringLiteral("api");
            c.where = m_yaml.at(node);
            c.kind = ProbeKind::Alertmanager;
            c.intervalMs = m_yaml.duration(*f, u"interval").value_or(15'000);
            c.timeoutMs = m_yaml.duration(*f, u"timeout").value_or(m_cfg.defaults.timeoutMs);
            c.failureThreshold = 1; // Alertmanager already waited its `for:`; a firing alert shows at once
            c.successThreshold = 1;
            c.maxConnectionsPerHost = m_cfg.defaults.maxConnectionsPerHost;
            c.http.maxBodyBytes = m_cfg.defaults.maxBodyBytes;
            c.http.maxRedirects = 0;
            if (const YamlField* url = f->find(u"url"))
                src.url = httpUrl(*url, QStringLiteral("an alertmanager source needs its url")).value_or(QUrl());
            else
                m_yaml.error(f->owner, QStringLiteral("an alertmanager source needs its url"));
            for (const LocatedString& m : m_yaml.stringList(*f, u"filter").value_or(QList<LocatedString>()))
                src.filter << m.text.trimmed();
            if (const YamlField* map = f->find(u"map"))
                parseAlertMap(*map, src);
            if (const YamlField* ack = f->find(u"ack")) {
                if (const auto a = m_yaml.map(*ack, QStringLiteral("'ack'"), keys("expiry matchers"))) {
                    src.ackExpiryMs = m_yaml.duration(*a, u"expiry").value_or(src.ackExpiryMs);
                    if (const auto matchers = m_yaml.stringList(*a, u"matchers")) {
                        src.ackMatchers.clear();
                        for (const LocatedString& m : *matchers)
                            src.ackMatchers << m.text.trimmed();
                    }
                }
            }
            src.watchdog = m_yaml.string(*f, u"watchdog").value_or(QString()).trimmed();
            if (const YamlField* headers = f->find(u"headers"))
                parseHeaders(*headers, c.http);
            parseAuthAndTls(*f, c.http);
            if (src.url.isValid()) {
                QString query = QStringLiteral("active=true&silenced=true&inhibited=true&unprocessed=true");
                for (const QString& m : std::as_const(src.filter))
                    query += u"&filter=" + QString::fromLatin1(QUrl::toPercentEncoding(m));
                c.http.url = apiUrl(src.url, QStringLiteral("/api/v2/alerts"), query);
            }
            c.alertmanager = std::make_shared<const AlertmanagerSourceConfig>(src);
            ServiceConfig svc;
            svc.name = src.name;
            svc.where = c.where;
            svc.checks += c;
            m_cfg.services += svc;
            m_deps += QList<LocatedString>();
        }
    }

    void parseAlertMap(const YamlField& field, AlertmanagerSourceConfig& src)
    {
        const auto f = m_yaml.map(field, QStringLiteral("'map'"), keys("service check group severity"));
        if (!f)
            return;
        const auto labels = [&](QStringView key, QStringList& out) {
            const YamlField* x = f->find(key);
            if (!x)
                return;
            out.clear();
            if (x->value.IsScalar()) {
                out << m_yaml.string(*x).value_or(QString()).trimmed();
                return;
            }
            for (const LocatedString& l : m_yaml.stringList(*x).value_or(QList<LocatedString>()))
                out << l.text.trimmed();
        };
        labels(u"service", src.serviceLabels);
        labels(u"check", src.checkLabels);
        src.groupLabel = m_yaml.string(*f, u"group").value_or(QString()).trimmed();
        if (const YamlField* sev = f->find(u"severity")) {
            if (const auto m = m_yaml.map(*sev, QStringLiteral("'severity'"), {}, QStringLiteral("severity"))) {
                src.severity.clear();
                for (const YamlField& entry : m->all()) {
                    const QString value = m_yaml.string(entry).value_or(QString()).trimmed();
                    const auto status = statusFromName(value);
                    if (!status) {
                        m_yaml.error(m_yaml.atKeyOrValue(entry),
                            u"bad status " + quoted(value) + u" for severity " + quoted(entry.name)
                                + u": use ok, degraded, down, stale, unknown or starting");
                        continue;
                    }
                    src.severity.insert(entry.name, *status);
                }
            }
        }
    }

    void parseServices(const YamlField& field)
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
            if (noChecks && m_sourcesDeclared) {
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
                svc.remediate = parseRemediate(*r, svc.name);
            m_cfg.services += std::move(svc);
            m_deps += deps;
        }
    }

    void parseCheck(const YamlNode& node, ServiceConfig& svc, QHash<QString, SourceLocation>& names)
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
            c.remediate = parseRemediate(*r, svc.name);
        svc.checks += std::move(c);
    }

    // remediate: { action, params } or { exec: [argv] }, with after, max_attempts, backoff and window.
    std::shared_ptr<const RemediationConfig> parseRemediate(const YamlField& field, const QString& service)
    {
        static const QStringList k = keys("action params exec after max_attempts backoff window");
        const auto f = m_yaml.map(field, QStringLiteral("'remediate'"), k);
        if (!f)
            return nullptr;
        auto r = std::make_shared<RemediationConfig>();
        r->where = m_yaml.at(field.key);
        r->actionWhere = r->where;
        r->paramsWhere = r->where;
        const YamlField* which = exactlyOne(*f, keys("action exec"),
            QStringLiteral("'remediate' needs an admin action (action: scheduler-restart) or a command (exec: [...])"),
            QStringLiteral("'remediate' takes one of action or exec"));
        if (which && which->name == u"action") {
            r->action = m_yaml.string(*which).value_or(QString()).trimmed();
            r->actionWhere = m_yaml.atKeyOrValue(*which);
            r->paramsWhere = r->actionWhere;
            if (r->action.isEmpty())
                m_yaml.error(
                    r->actionWhere, QStringLiteral("'action' needs the name of an admin action of the service"));
            else
                m_remediations += { service, r->action, r->actionWhere };
        } else if (which) {
            const QString example
                = QStringLiteral(" such as [\"systemctl\", \"--user\", \"restart\", \"api\"]; it runs without a shell");
            if (which->value.IsScalar()) {
                m_yaml.error(m_yaml.at(which->value), u"'exec' must be a list of arguments" + example);
            } else if (const auto argv = m_yaml.stringList(*which)) {
                for (const LocatedString& arg : *argv)
                    r->exec += arg.text;
                if (r->exec.isEmpty() || r->exec.first().trimmed().isEmpty())
                    m_yaml.error(m_yaml.atKeyOrValue(*which), u"'exec' needs a program" + example);
            }
        }
        if (const YamlField* params = f->find(u"params")) {
            if (!r->exec.isEmpty())
                m_yaml.error(m_yaml.at(params->key), QStringLiteral("'params' go with 'action', not with 'exec'"));
            r->paramsWhere = m_yaml.at(params->key);
            if (const auto p = m_yaml.map(*params, QStringLiteral("'params'"), {}, QStringLiteral("parameter"))) {
                for (const YamlField& param : p->all()) {
                    if (const auto value = m_yaml.string(param))
                        r->params.insert(param.name, value->trimmed());
                }
            }
        }
        r->afterMs = m_yaml.duration(*f, u"after").value_or(r->afterMs);
        r->maxAttempts = m_yaml.integer(*f, u"max_attempts", 1, 100).value_or(r->maxAttempts);
        r->backoffMs = m_yaml.duration(*f, u"backoff").value_or(r->backoffMs);
        r->windowMs = m_yaml.duration(*f, u"window").value_or(r->windowMs);
        return r;
    }

    // An admin action to remediate with needs an admin: entry for its service; whether the action exists there
    // (preset or custom) and takes those params is checked with the admin actions (loadValidatedConfig).
    void checkRemediations()
    {
        for (const PendingRemediation& r : std::as_const(m_remediations)) {
            if (!m_cfg.admin.contains(r.service))
                m_yaml.error(r.where,
                    u"remediate: action " + quoted(r.action) + u" needs an admin: entry for service "
                        + quoted(r.service) + u" (or use exec: [...])");
        }
    }

    void parseConditions(const YamlField& field, CheckConfig& c)
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
                const auto f
                    = m_yaml.map(item, m_yaml.at(item), QStringLiteral("a condition"), { QStringLiteral("warn") });
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

    // ---- probes ----

    void parseHttp(const YamlField& field, CheckConfig& c)
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

    void parseAuthAndTls(const YamlFields& f, HttpProbeConfig& h)
    {
        if (const YamlField* auth = f.find(u"auth")) {
            static const QStringList authKeys = keys("bearer basic");
            if (const auto a = m_yaml.map(*auth, QStringLiteral("'auth'"), authKeys)) {
                if (const YamlField* which = exactlyOne(*a, authKeys, QStringLiteral("'auth' needs bearer or basic"),
                        QStringLiteral("'auth' takes one of bearer or basic"))) {
                    if (which->name == u"bearer")
                        h.bearer = m_yaml.secret(*which).value_or(QString());
                    else
                        h.basic = parseBasic(*which);
                }
            }
        }
        if (const YamlField* tls = f.find(u"tls"))
            parseTls(*tls, h.tls);
    }

    // prometheus: { url, query, headers, auth, tls, max_body }: an instant query, sent as
    // GET URL/api/v1/query?query=... by the http probe.
    void parsePrometheus(const YamlField& field, CheckConfig& c)
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

    std::optional<QByteArray> method(const YamlField& field)
    {
        const auto text = m_yaml.string(field);
        if (!text)
            return std::nullopt;
        static const QRegularExpression token(QStringLiteral("^[A-Za-z]+$"));
        if (!token.match(text->trimmed()).hasMatch()) {
            m_yaml.error(
                m_yaml.atKeyOrValue(field), u"bad HTTP method " + quoted(*text) + u": use GET, POST, PUT, DELETE...");
            return std::nullopt;
        }
        return text->trimmed().toUpper().toLatin1();
    }

    void parseHeaders(const YamlField& field, HttpProbeConfig& h)
    {
        const auto f = m_yaml.map(field, QStringLiteral("'headers'"), {}, QStringLiteral("header"));
        if (!f)
            return;
        static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
        for (const YamlField& header : f->all()) {
            if (!token.match(header.name).hasMatch()) {
                m_yaml.error(m_yaml.at(header.key), u"bad header name " + quoted(header.name));
                continue;
            }
            const auto value = m_yaml.string(header);
            if (!value)
                continue;
            if (value->contains(u'\n') || value->contains(u'\r')) {
                m_yaml.error(m_yaml.at(header.value), u"header " + quoted(header.name) + u" must be one line");
                continue;
            }
            h.headers += qMakePair(header.name.toLatin1(), value->toUtf8());
        }
    }

    void parseRedisProbe(const YamlField& field, CheckConfig& c)
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
        const YamlField* mode = exactlyOne(*f, modes,
            QStringLiteral("a redis check needs one of key, hash, stream, pattern or ping: true"),
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

    void parseTcp(const YamlField& field, CheckConfig& c)
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

    void parseFile(const YamlField& field, CheckConfig& c)
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

    void parseExec(const YamlField& field, CheckConfig& c)
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

    // ---- cross references ----

    void checkDependencies()
    {
        // Sources come after the services: they have no dependencies of their own.
        QHash<QString, int> index;
        QStringList names;
        for (int i = 0; i < m_cfg.services.size(); ++i) {
            if (!index.contains(m_cfg.services[i].name))
                index.insert(m_cfg.services[i].name, i);
            names += m_cfg.services[i].name;
        }
        for (const QList<LocatedString>& deps : std::as_const(m_deps)) {
            for (const LocatedString& d : deps) {
                if (!index.contains(d.text) && m_hasSources) {
                    // An alert's service, named by its labels, is known only once the alert fires.
                    m_yaml.warning(d.where,
                        u"dependency " + quoted(d.text)
                            + u" is no configured service; it counts once an alert of a source names it");
                } else if (!index.contains(d.text)) {
                    const QString hint = didYouMean(d.text, names);
                    m_yaml.error(d.where,
                        u"unknown dependency " + quoted(d.text)
                            + (hint.isEmpty() ? QStringLiteral(": no service has that name") : hint));
                }
            }
        }
        // Depth-first search; an edge back into the current path closes a cycle.
        QList<int> state(m_cfg.services.size(), 0); // 0 unseen, 1 on the path, 2 done
        QList<int> path;
        std::function<void(int)> visit = [&](int u) {
            state[u] = 1;
            path += u;
            for (const LocatedString& d : std::as_const(m_deps[u])) {
                const int v = index.value(d.text, -1);
                if (v < 0)
                    continue;
                if (state[v] == 1) {
                    QStringList cycle;
                    for (qsizetype i = path.indexOf(v); i < path.size(); ++i)
                        cycle += m_cfg.services[path[i]].name;
                    cycle += d.text;
                    m_yaml.error(d.where, u"dependency cycle: " + cycle.join(u" -> "));
                } else if (state[v] == 0) {
                    visit(v);
                }
            }
            path.removeLast();
            state[u] = 2;
        };
        for (int i = 0; i < m_cfg.services.size(); ++i) {
            if (state[i] == 0)
                visit(i);
        }
    }

    // ---- admin ----

    void parseAdmin(const YamlField& field)
    {
        const auto entries = m_yaml.map(field, QStringLiteral("'admin'"), {}, QStringLiteral("admin entry"));
        if (!entries)
            return;
        static const QStringList k = keys("base_url preset auth actions tls timeout");
        QStringList serviceNames;
        for (const ServiceConfig& s : std::as_const(m_cfg.services))
            serviceNames += s.name;
        for (const YamlField& entry : entries->all()) {
            if (entry.name == u"read_only") {
                m_cfg.adminReadOnly = m_yaml.boolean(entry).value_or(false);
                continue;
            }
            AdminServiceConfig a;
            a.service = entry.name;
            a.where = m_yaml.at(entry.key);
            const QString label = u"admin entry " + quoted(entry.name);
            const auto f = m_yaml.map(entry, label, k);
            if (!f)
                continue;
            const ServiceConfig* svc = m_cfg.service(entry.name);
            if (const YamlField* base = f->find(u"base_url")) {
                a.baseUrl = httpUrl(*base, label + u" needs a base_url").value_or(QUrl());
            } else if (!svc) {
                const QString hint = didYouMean(entry.name, serviceNames);
                m_yaml.error(a.where, label + u" is not a service under services: and has no base_url" + hint);
            } else {
                a.baseUrl = baseUrlOf(*svc);
                if (a.baseUrl.isEmpty())
                    m_yaml.error(a.where,
                        label + u" needs a base_url: service " + quoted(entry.name)
                            + u" has no http check to take it from");
            }
            if (const YamlField* preset = f->find(u"preset")) {
                a.preset = m_yaml.string(*preset).value_or(QString()).trimmed();
                if (!knownAdminPresets().contains(a.preset)) {
                    const QString hint = didYouMean(a.preset, knownAdminPresets());
                    m_yaml.error(m_yaml.atKeyOrValue(*preset),
                        u"unknown preset " + quoted(a.preset)
                            + (hint.isEmpty() ? u": known presets: " + knownAdminPresets().join(u", ") : hint));
                }
            }
            if (const YamlField* auth = f->find(u"auth"))
                parseAdminAuth(*auth, a);
            if (const YamlField* actions = f->find(u"actions"))
                parseActions(*actions, a);
            if (const YamlField* tls = f->find(u"tls"))
                parseTls(*tls, a.tls);
            a.timeoutMs = m_yaml.duration(*f, u"timeout").value_or(a.timeoutMs);
            if (a.preset.isEmpty() && a.actions.isEmpty() && !f->has(u"actions"))
                m_yaml.warning(a.where, label + u" has no preset and no actions");
            m_cfg.admin.insert(a.service, a);
        }
    }

    // The origin of the service's first http check: where its admin API most likely lives.
    static QUrl baseUrlOf(const ServiceConfig& svc)
    {
        for (const CheckConfig& c : svc.checks) {
            if (c.kind == ProbeKind::Http && c.http.url.isValid())
                return c.http.url.adjusted(
                    QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
        }
        return {};
    }

    void parseAdminAuth(const YamlField& field, AdminServiceConfig& a)
    {
        static const QStringList k = keys("login bearer basic");
        const auto f = m_yaml.map(field, QStringLiteral("'auth'"), k);
        if (!f)
            return;
        const YamlField* which = exactlyOne(*f, k, QStringLiteral("'auth' needs one of login, bearer or basic"),
            QStringLiteral("'auth' takes one of login, bearer or basic"));
        if (!which)
            return;
        if (which->name == u"bearer") {
            a.bearer = m_yaml.secret(*which).value_or(QString());
        } else if (which->name == u"basic") {
            a.basic = parseBasic(*which);
        } else if (const auto login = m_yaml.map(*which, QStringLiteral("'login'"), keys("url username password"))) {
            a.loginUrl
                = required(*login, u"url", QStringLiteral("'login' needs the url of the login form, such as /login"))
                      .value_or(QString())
                      .trimmed();
            a.loginUsername = m_yaml.string(*login, u"username").value_or(QString());
            a.loginPassword = m_yaml.secret(*login, u"password").value_or(QString());
        }
    }

    void parseActions(const YamlField& field, AdminServiceConfig& a)
    {
        if (field.value.IsNull())
            return;
        if (!field.value.IsSequence()) {
            m_yaml.error(m_yaml.at(field.value),
                u"'actions' must be a list (- name: ...), found " + YamlReader::describe(field.value));
            return;
        }
        static const QStringList k = keys("name method path body confirm params required");
        QHash<QString, SourceLocation> seen;
        for (const YamlNode& node : field.value) {
            const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("an admin action"), k);
            if (!f)
                continue;
            AdminActionConfig action;
            action.where = m_yaml.at(node);
            action.name = name(*f, QStringLiteral("an admin action")).value_or(QString());
            if (!action.name.isEmpty()) {
                const SourceLocation at = m_yaml.at(f->find(u"name")->value);
                if (seen.contains(action.name))
                    m_yaml.error(
                        at, u"duplicate action " + quoted(action.name) + u' ' + lineOf(seen.value(action.name)));
                else
                    seen.insert(action.name, at);
            }
            if (const YamlField* m = f->find(u"method"))
                action.method = method(*m).value_or(action.method);
            action.path = required(
                *f, u"path", u"action " + quoted(action.name) + u" needs a path such as /api/system/cache-stats")
                              .value_or(QString())
                              .trimmed();
            if (const YamlField* body = f->find(u"body"))
                action.body = m_yaml.json(body->value).value_or(QJsonValue());
            action.confirm = m_yaml.boolean(*f, u"confirm").value_or(false);
            if (const YamlField* params = f->find(u"params"))
                parseParams(*params, action);
            // Placeholders the request uses are parameters too: free text unless listed under params.
            QStringList placeholders;
            collectAdminPlaceholders(QJsonValue(action.path), placeholders);
            collectAdminPlaceholders(action.body, placeholders);
            for (const QString& p : std::as_const(placeholders)) {
                if (!action.allowed.contains(p))
                    action.allowed.insert(p, {});
            }
            if (const auto req = m_yaml.stringList(*f, u"required")) {
                for (const LocatedString& s : *req)
                    action.required += s.text;
            } else if (!f->has(u"required")) {
                action.required = placeholders;
            }
            a.actions += action;
        }
    }

    void parseParams(const YamlField& field, AdminActionConfig& action)
    {
        const auto f = m_yaml.map(field, QStringLiteral("'params'"), {}, QStringLiteral("parameter"));
        if (!f)
            return;
        for (const YamlField& param : f->all()) {
            QStringList values;
            for (const LocatedString& v : m_yaml.stringList(param).value_or(QList<LocatedString>()))
                values += v.text;
            action.allowed.insert(param.name, values);
        }
    }

    // ---- maintenance and history ----

    void parseMaintenance(const YamlField& field)
    {
        if (field.value.IsNull())
            return;
        if (!field.value.IsSequence()) {
            m_yaml.error(m_yaml.at(field.value),
                u"'maintenance' must be a list (- name: ...), found " + YamlReader::describe(field.value));
            return;
        }
        QStringList services, groups, tags;
        for (const ServiceConfig& s : std::as_const(m_cfg.services)) {
            services += s.name;
            if (!s.group.isEmpty() && !groups.contains(s.group))
                groups += s.group;
            for (const CheckConfig& c : s.checks) {
                for (const QString& t : c.tags) {
                    if (!tags.contains(t))
                        tags += t;
                }
            }
        }
        static const QStringList k = keys("name services groups tags start end weekly timezone");
        for (const YamlNode& node : field.value) {
            const auto f = m_yaml.map(node, m_yaml.at(node), QStringLiteral("a maintenance window"), k);
            if (!f)
                continue;
            MaintenanceWindow w;
            w.where = m_yaml.at(node);
            w.name = required(*f, u"name", QStringLiteral("a maintenance window needs a name"))
                         .value_or(QString())
                         .trimmed();
            w.services = targets(*f, u"services", QStringLiteral("service"), services);
            w.groups = targets(*f, u"groups", QStringLiteral("group"), groups);
            w.tags = targets(*f, u"tags", QStringLiteral("tag"), tags);
            if (!f->has(u"services") && !f->has(u"groups") && !f->has(u"tags"))
                m_yaml.error(f->owner, QStringLiteral("a maintenance window needs services, groups or tags"));
            if (const YamlField* tz = f->find(u"timezone"))
                w.timezone = timezone(*tz).value_or(QByteArray());

            const YamlField* weekly = f->find(u"weekly");
            const YamlField* start = f->find(u"start");
            const YamlField* end = f->find(u"end");
            if (weekly && (start || end)) {
                m_yaml.error(m_yaml.at(weekly->key),
                    QStringLiteral("a maintenance window is either once (start, end) or weekly, not both"));
            } else if (weekly) {
                if (const auto text = m_yaml.string(*weekly)) {
                    QString why;
                    if (parseWeeklySession(*text, &why))
                        w.weekly = text->trimmed();
                    else
                        m_yaml.error(m_yaml.atKeyOrValue(*weekly), why);
                }
                if (w.timezone.isEmpty() && !f->has(u"timezone"))
                    w.timezone = QTimeZone::systemTimeZoneId();
            } else if (!start || !end) {
                m_yaml.error(start ? m_yaml.at(start->key)
                        : end      ? m_yaml.at(end->key)
                                   : f->owner,
                    QStringLiteral(
                        "a maintenance window needs start and end (ISO date-times), or weekly: \"Sat 22:00-23:30\""));
            } else {
                w.start = dateTime(*start, w.timezone);
                w.end = dateTime(*end, w.timezone);
                if (w.start.isValid() && w.end.isValid() && w.end <= w.start)
                    m_yaml.error(m_yaml.at(end->value), QStringLiteral("'end' must be after 'start'"));
            }
            m_cfg.maintenance += w;
        }
    }

    QStringList targets(const YamlFields& f, QStringView key, const QString& noun, const QStringList& known)
    {
        QStringList out;
        for (const LocatedString& s : m_yaml.stringList(f, key).value_or(QList<LocatedString>())) {
            const QString name = s.text.trimmed();
            if (!known.contains(name)) {
                const QString hint = didYouMean(name, known);
                m_yaml.error(s.where,
                    u"unknown " + noun + u' ' + quoted(name)
                        + (hint.isEmpty() ? u": nothing in services: has that " + noun : hint));
                continue;
            }
            out += name;
        }
        return out;
    }

    QDateTime dateTime(const YamlField& field, const QByteArray& zone)
    {
        const auto text = m_yaml.string(field);
        if (!text)
            return {};
        QDateTime dt = QDateTime::fromString(text->trimmed(), Qt::ISODateWithMs);
        if (!dt.isValid()) {
            m_yaml.error(m_yaml.atKeyOrValue(field),
                u"bad date-time " + quoted(*text) + u": use ISO 8601 such as 2026-11-22T22:00:00+01:00");
            return {};
        }
        // Without an offset the time is read in the window's timezone, else in local time.
        if (dt.timeSpec() == Qt::LocalTime && !zone.isEmpty())
            dt = QDateTime(dt.date(), dt.time(), QTimeZone(zone));
        return dt;
    }

    void parseHistory(const YamlField& field)
    {
        const auto f = m_yaml.map(field, QStringLiteral("'history'"), { QStringLiteral("retention") });
        if (!f)
            return;
        const YamlField* retention = f->find(u"retention");
        if (!retention)
            return;
        const auto ret = m_yaml.map(
            *retention, QStringLiteral("'retention'"), keys("raw_samples minute_rollups hour_rollups events"));
        if (!ret)
            return;
        HistoryConfig& h = m_cfg.history;
        h.rawSamplesMs = m_yaml.duration(*ret, u"raw_samples").value_or(h.rawSamplesMs);
        h.minuteRollupsMs = m_yaml.duration(*ret, u"minute_rollups").value_or(h.minuteRollupsMs);
        h.hourRollupsMs = m_yaml.duration(*ret, u"hour_rollups").value_or(h.hourRollupsMs);
        h.eventsMs = m_yaml.duration(*ret, u"events").value_or(h.eventsMs);
    }

    YamlReader& m_yaml;
    QDir m_dir;
    Config& m_cfg;
    QList<QList<LocatedString>> m_deps; // per service, in m_cfg.services order
    bool m_sourcesDeclared = false; // the file has a non-empty 'sources:' list
    bool m_hasSources = false; // an unknown dependency may then name the service of an alert
    struct PendingRemediation {
        QString service;
        QString action;
        SourceLocation where;
    };
    QList<PendingRemediation> m_remediations; // checked once admin: is read
};

// othersCanRead: the file is readable by its group or by everyone, so a secret written into it is not one.
ConfigLoadResult load(const QByteArray& yaml, const QString& label, const QString& file, const QString& baseDir,
    const QProcessEnvironment& env, bool othersCanRead = false)
{
    YamlReader reader(label, yaml, env);
    Config config;
    config.file = file;
    if (const auto root = reader.parse()) {
        Loader loader(reader, baseDir, config);
        loader.load(*root);
    }
    if (othersCanRead) {
        for (const LocatedString& s : reader.literalSecrets())
            reader.warning(s.where,
                u"the " + s.text
                    + u" is written into a file that others can read: use ${VAR} (or leave it out "
                      u"for the keychain), or chmod 600 "
                    + label);
    }
    ConfigLoadResult result;
    if (!reader.hasErrors())
        result.config = std::move(config);
    result.errors = reader.takeErrors();
    result.warnings = reader.takeWarnings();
    return result;
}

QString joinLines(const QList<ConfigError>& list)
{
    QStringList lines;
    for (const ConfigError& e : list)
        lines += e.toString();
    return lines.join(u'\n');
}

} // namespace

QString ConfigLoadResult::errorText() const
{
    return joinLines(errors);
}

QString ConfigLoadResult::warningText() const
{
    return joinLines(warnings);
}

QStringList knownAdminPresets()
{
    return { QStringLiteral("trading-system") };
}

ConfigLoadResult loadConfigFile(const QString& path)
{
    return loadConfigFile(path, QProcessEnvironment::systemEnvironment());
}

ConfigLoadResult loadConfigFile(const QString& path, const QProcessEnvironment& env)
{
    const QFileInfo info(path);
    const auto fail = [&path](const QString& message) {
        ConfigLoadResult result;
        result.errors += ConfigError { { path, 1, 1 }, message };
        return result;
    };
    if (!info.exists())
        return fail(QStringLiteral("cannot read the config file: it does not exist"));
    if (info.isDir())
        return fail(QStringLiteral("cannot read the config file: it is a directory"));
    // A config file is small; anything this big is the wrong file.
    constexpr qint64 maxBytes = 16 * 1024 * 1024;
    if (info.size() > maxBytes)
        return fail(QStringLiteral("the config file is larger than 16 MiB"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot read the config file: " + file.errorString());
    const QByteArray yaml = file.read(maxBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return fail(u"cannot read the config file: " + file.errorString());
    const bool othersCanRead = info.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther);
    return load(yaml, path, info.absoluteFilePath(), info.absolutePath(), env, othersCanRead);
}

ConfigLoadResult loadConfigString(const QByteArray& yaml, const QString& fileLabel, const QProcessEnvironment& env)
{
    return load(yaml, fileLabel, fileLabel, QFileInfo(fileLabel).absolutePath(), env);
}

} // namespace hd
