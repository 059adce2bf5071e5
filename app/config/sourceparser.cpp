#include "sourceparser.h"

#include "config/configvalues.h"

#include <QUrl>

namespace hd::configparse {

// sources: - alertmanager: { name, url, interval, filter, map, ack, watchdog, headers, auth, tls }
void SourceParser::parseSources(const YamlField& field)
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
        m_state.hasSources = true;
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
        m_state.deps += QList<LocatedString>();
    }
}

void SourceParser::parseAlertMap(const YamlField& field, AlertmanagerSourceConfig& src)
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

} // namespace hd::configparse
