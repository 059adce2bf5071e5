#include "configloader.h"

#include "config/adminparser.h"
#include "config/calendarparser.h"
#include "config/checkparser.h"
#include "config/remediationparser.h"
#include "config/sourceparser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <climits>
#include <functional>

namespace hd {

namespace {

using namespace configparse;

// Builds a Config from the YAML tree; every problem goes to the reader. The top level: the sections in a fixed
// order, the defaults and history sections, and the cross-check of the services' dependencies.
class Loader final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

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
            CheckParser(m_state).parseRedisServers(*x);
        if (const YamlField* c = f->find(u"calendars"))
            CalendarParser(m_state).parseCalendars(*c);
        // Known before the services: with a source, a service may have no checks of its own.
        if (const YamlField* src = f->find(u"sources"))
            m_state.sourcesDeclared = src->value.IsSequence() && src->value.size() > 0;
        if (const YamlField* s = f->find(u"services"))
            CheckParser(m_state).parseServices(*s);
        if (const YamlField* src = f->find(u"sources"))
            SourceParser(m_state).parseSources(*src);
        if (m_cfg.services.isEmpty() && !m_yaml.hasErrors()) {
            const YamlField* s = f->find(u"services");
            m_yaml.warning(s ? m_yaml.at(s->key) : f->owner, QStringLiteral("no services: there is nothing to check"));
        }
        checkDependencies();
        if (const YamlField* a = f->find(u"admin"))
            AdminParser(m_state).parseAdmin(*a);
        RemediationParser(m_state).checkRemediations();
        if (const YamlField* m = f->find(u"maintenance"))
            CalendarParser(m_state).parseMaintenance(*m);
        if (const YamlField* h = f->find(u"history"))
            parseHistory(*h);
    }

private:
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
        for (const QList<LocatedString>& deps : std::as_const(m_state.deps)) {
            for (const LocatedString& d : deps) {
                if (!index.contains(d.text) && m_state.hasSources) {
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
            for (const LocatedString& d : std::as_const(m_state.deps[u])) {
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
};

// othersCanRead: the file is readable by its group or by everyone, so a secret written into it is not one.
ConfigLoadResult load(const QByteArray& yaml, const QString& label, const QString& file, const QString& baseDir,
    const QProcessEnvironment& env, bool othersCanRead = false)
{
    YamlReader reader(label, yaml, env);
    Config config;
    config.file = file;
    if (const auto root = reader.parse()) {
        ConfigLoadState state(reader, baseDir, config);
        Loader loader(state);
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
