#include "checkmetrics.h"

#include <QLocale>
#include <algorithm>
#include <array>
#include <cmath>

namespace hd {

namespace {

constexpr std::array<Status, 6> kStatuses { Status::Ok, Status::Degraded, Status::Down, Status::Stale, Status::Unknown,
    Status::Starting };

// Label values escape backslash, double quote and line feed, in both formats.
void appendLabelValue(QByteArray& out, const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    for (char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

QByteArray number(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

class Writer {
public:
    explicit Writer(CheckMetrics::Format format)
        : m_open(format == CheckMetrics::Format::OpenMetrics)
    {
    }

    // `family` is the metric's name without _total; counters get the suffix on their samples.
    void family(const char* family, const char* type, const char* help)
    {
        m_out += "# HELP ";
        m_out += familyName(family, type);
        m_out += ' ';
        m_out += help;
        m_out += "\n# TYPE ";
        m_out += familyName(family, type);
        m_out += ' ';
        m_out += m_open || qstrcmp(type, "info") != 0 ? type : "gauge";
        m_out += '\n';
    }

    void sample(const char* family, const char* type, std::initializer_list<std::pair<const char*, QString>> labels,
        const QByteArray& value)
    {
        m_out += family;
        if (qstrcmp(type, "counter") == 0)
            m_out += "_total";
        else if (qstrcmp(type, "info") == 0)
            m_out += "_info";
        if (labels.size() > 0) {
            m_out += '{';
            bool first = true;
            for (const auto& [name, value] : labels) {
                if (!first)
                    m_out += ',';
                first = false;
                m_out += name;
                m_out += "=\"";
                appendLabelValue(m_out, value);
                m_out += '"';
            }
            m_out += '}';
        }
        m_out += ' ';
        m_out += value;
        m_out += '\n';
    }

    // `labels` is already escaped and joined (`service="a",check="b"`); `extra` is one more escaped label or empty.
    void sampleRaw(const QByteArray& name, const QByteArray& labels, const QByteArray& extra, const QByteArray& value)
    {
        m_out += name;
        m_out += '{';
        m_out += labels;
        if (!extra.isEmpty()) {
            m_out += ',';
            m_out += extra;
        }
        m_out += "} ";
        m_out += value;
        m_out += '\n';
    }

    // The sample name of a family: counters end in _total, info families in _info.
    static QByteArray sampleName(const char* family, const char* type)
    {
        QByteArray name(family);
        if (qstrcmp(type, "counter") == 0)
            name += "_total";
        else if (qstrcmp(type, "info") == 0)
            name += "_info";
        return name;
    }

    void reserve(qsizetype bytes) { m_out.reserve(bytes); }

    QByteArray finish()
    {
        if (m_open)
            m_out += "# EOF\n";
        return std::move(m_out);
    }

private:
    // Text 0.0.4 names a counter family with its _total and an info family with its _info; OpenMetrics without.
    QByteArray familyName(const char* family, const char* type) const
    {
        QByteArray name(family);
        if (!m_open && qstrcmp(type, "counter") == 0)
            name += "_total";
        if (!m_open && qstrcmp(type, "info") == 0)
            name += "_info";
        return name;
    }

    bool m_open;
    QByteArray m_out;
};

} // namespace

void CheckMetrics::update(const QList<RowState>& rows)
{
    for (const RowState& s : rows) {
        Row& row = m_rows[s.key];
        if (row.labels.isEmpty() || row.service != s.service || row.check != s.check || row.group != s.group
            || row.item != s.item) {
            row.service = s.service;
            row.check = s.check;
            row.group = s.group;
            row.item = s.item;
            row.labels = labelsOf(row);
        }
        row.status = s.status;
        row.acknowledged = s.acknowledged;
        row.silenced = s.silenced;
        if (s.freshResult) {
            row.hasResult = true;
            row.durationSeconds = s.latencyMs / 1000.0;
            ++row.results[int(s.rawStatus)];
        }
        if (row.lastChangeMs == 0 && s.since.isValid())
            row.lastChangeMs = s.since.toMSecsSinceEpoch();
    }
}

QByteArray CheckMetrics::labelsOf(const Row& row)
{
    QByteArray out;
    out += "service=\"";
    appendLabelValue(out, row.service);
    out += "\",check=\"";
    appendLabelValue(out, row.check);
    out += "\",group=\"";
    appendLabelValue(out, row.group);
    out += "\",item=\"";
    appendLabelValue(out, row.item);
    out += '"';
    return out;
}

void CheckMetrics::remove(const QStringList& keys)
{
    for (const QString& key : keys)
        m_rows.remove(key);
}

void CheckMetrics::noteStateChange(const StateChange& change)
{
    Row& row = m_rows[change.key()];
    if (row.service.isEmpty()) {
        row.service = change.service;
        row.check = change.check;
        row.item = change.item;
        row.group = change.group;
        row.labels = labelsOf(row);
    }
    ++row.stateChanges;
    row.lastChangeMs = change.time.toMSecsSinceEpoch();
}

void CheckMetrics::setSchedulingLag(qint64 p99Ms, qint64 maxMs)
{
    m_lagP99Ms = p99Ms;
    m_lagMaxMs = maxMs;
}

CheckMetrics::Format CheckMetrics::negotiate(const QByteArray& accept)
{
    return accept.contains("application/openmetrics-text") ? Format::OpenMetrics : Format::Text004;
}

QByteArray CheckMetrics::contentType(Format format)
{
    return format == Format::OpenMetrics
        ? QByteArrayLiteral("application/openmetrics-text; version=1.0.0; charset=utf-8")
        : QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

QByteArray CheckMetrics::render(Format format) const
{
    // Rows in key order, so that scrapes are stable and diffable. Each row's labels are escaped once, when they
    // change, so a scrape is mostly copying: 5,000 rows make about 5 MB.
    QList<const Row*> rows;
    rows.reserve(m_rows.size());
    {
        QStringList keys = m_rows.keys();
        std::sort(keys.begin(), keys.end());
        for (const QString& key : std::as_const(keys)) {
            const Row& r = m_rows.find(key).value();
            if (!r.service.isEmpty())
                rows << &r;
        }
    }
    Writer w(format);
    w.reserve(qsizetype(rows.size()) * 1200 + 4096);
    static const QByteArrayList statusLabels = [] {
        QByteArrayList out;
        for (Status s : kStatuses)
            out << "status=\"" + statusName(s).toUtf8() + '"';
        return out;
    }();
    static const QByteArrayList resultLabels = [] {
        QByteArrayList out;
        for (Status s : kStatuses)
            out << "result=\"" + statusName(s).toUtf8() + '"';
        return out;
    }();
    const auto family = [&](const char* name, const char* type, const char* help, const auto& write) {
        w.family(name, type, help);
        const QByteArray sample = Writer::sampleName(name, type);
        for (const Row* r : std::as_const(rows))
            write(sample, *r);
    };

    family("healthdeck_check_status", "gauge", "The row's current status: 1 for it, 0 for the other five.",
        [&](const QByteArray& name, const Row& r) {
            for (size_t i = 0; i < kStatuses.size(); ++i)
                w.sampleRaw(name, r.labels, statusLabels[i], r.status == kStatuses[i] ? "1" : "0");
        });
    family("healthdeck_check_duration_seconds", "gauge", "How long the row's last probe took.",
        [&](const QByteArray& name, const Row& r) {
            if (r.hasResult)
                w.sampleRaw(name, r.labels, {}, number(r.durationSeconds));
        });
    family("healthdeck_check_results", "counter", "Probe results of the row, by the status each one judged.",
        [&](const QByteArray& name, const Row& r) {
            for (size_t i = 0; i < kStatuses.size(); ++i) {
                if (const auto it = r.results.constFind(int(kStatuses[i])); it != r.results.constEnd())
                    w.sampleRaw(name, r.labels, resultLabels[i], QByteArray::number(*it));
            }
        });
    family("healthdeck_check_state_changes", "counter", "Changes of the row's status since healthdeck started.",
        [&](const QByteArray& name, const Row& r) {
            w.sampleRaw(name, r.labels, {}, QByteArray::number(r.stateChanges));
        });
    family("healthdeck_check_last_change_timestamp_seconds", "gauge", "When the row's status last changed.",
        [&](const QByteArray& name, const Row& r) {
            if (r.lastChangeMs > 0)
                w.sampleRaw(name, r.labels, {}, number(double(r.lastChangeMs) / 1000.0));
        });
    family("healthdeck_check_acknowledged", "gauge", "1 while an operator has acknowledged the row.",
        [&](const QByteArray& name, const Row& r) { w.sampleRaw(name, r.labels, {}, r.acknowledged ? "1" : "0"); });
    family("healthdeck_check_silenced", "gauge",
        "1 while the row is silenced: a maintenance window, or an Alertmanager silence.",
        [&](const QByteArray& name, const Row& r) { w.sampleRaw(name, r.labels, {}, r.silenced ? "1" : "0"); });

    w.family("healthdeck_build", "info", "The healthdeck build serving these metrics.");
    w.sample("healthdeck_build", "info", { { "version", QStringLiteral(HEALTHDECK_VERSION) } }, "1");
    w.family("healthdeck_scheduling_lag_p99_seconds", "gauge",
        "99th percentile of how late probes started after their due time, since start.");
    w.sample("healthdeck_scheduling_lag_p99_seconds", "gauge", {}, number(double(m_lagP99Ms) / 1000.0));
    w.family("healthdeck_scheduling_lag_max_seconds", "gauge",
        "The latest start of a probe after its due time, since start.");
    w.sample("healthdeck_scheduling_lag_max_seconds", "gauge", {}, number(double(m_lagMaxMs) / 1000.0));
    w.family("healthdeck_history_write_errors", "counter", "Writes to the history file that failed.");
    w.sample("healthdeck_history_write_errors", "counter", {}, QByteArray::number(m_historyWriteErrors));
    return w.finish();
}

} // namespace hd
