#pragma once

#include "core/proberesult.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <deque>
#include <optional>

namespace hd {

namespace prom {
struct Exposition;
}

// What rate() and delta() remember between polls of one check: a bounded list
// of (time, value) samples per expression. The engine keeps one per check, so
// `healthdeck check`, which polls once, has none and reports "not enough data".
class ConditionMemory {
public:
    struct Sample {
        QDateTime time;
        double value = 0;
    };
    void record(const QString& series, const QDateTime& time, double value, qint64 keepMs);
    const std::deque<Sample>* samples(const QString& series) const;
    void clear()
    {
        m_series.clear();
        m_keepMs.clear();
    }

private:
    QHash<QString, std::deque<Sample>> m_series;
    QHash<QString, qint64> m_keepMs; // longest window any caller asked for, per series
};

struct ConditionInput {
    const ProbeResult* result = nullptr;
    QDateTime now; // wall clock used by age(); UTC
    ConditionMemory* memory = nullptr; // nullptr or empty: rate()/delta() have no history
    // Gatus' ui options: show resolved values on passing conditions too, or never on failing ones.
    bool resolveSuccessful = false;
    bool dontResolveFailed = false;
    // The body as Prometheus text, parsed once for every condition of a poll (the evaluator does it);
    // nullptr: a [METRIC] condition parses the body itself.
    const prom::Exposition* metrics = nullptr;
};

struct ConditionOutcome {
    bool success = false;
    QString display; // Gatus display string, e.g. "[STATUS] (500) == 200"
    bool insufficientData = false; // rate()/delta() without history: unknown, never a pass
    bool ageFailure = false; // failed on age(): the check is stale, not down
    QString detail; // human note, e.g. "last_activity 95 s ago"
    bool warn = false; // copied from the spec by the evaluator
};

// One Gatus-compatible condition plus the healthdeck functions age(), rate(),
// delta() and the placeholders [TTL], [METRIC].name{label="v"}, [VALUE] and [LABELS].name.
class Condition {
public:
    // nullopt when the expression is not a valid condition; *error says why.
    static std::optional<Condition> parse(const QString& expression, QString* error = nullptr);

    ConditionOutcome evaluate(const ConditionInput& input) const;
    const QString& expression() const { return m_expression; }
    // Whether it reads [METRIC]: the body must then be parsed as Prometheus text.
    bool usesMetrics() const;

private:
    QString m_expression;
    QString m_left;
    QString m_op;
    QString m_right;
};

} // namespace hd
