#pragma once

#include "bodyformat.h"
#include "condition.h"
#include "config/config.h"
#include "core/proberesult.h"

#include <QList>
#include <QString>

#include <optional>

namespace hd {

// The judgement of one probe result: docs/contract.md §3 applied to what a probe saw.
struct CheckEvaluation {
    Status status = Status::Unknown;
    QString detail;
    QString format; // body format recognised, if any
    QList<ConditionOutcome> conditions; // every condition with its resolved display string
    QList<HealthItem> items; // sub-checks reported inside the body
};

// Turns ProbeResults of one check into statuses. Conditions are parsed once, at
// construction; invalid ones are reported by validateConditions() at load time,
// and judged unknown here if they slip through. One evaluator serves one thread:
// evaluate() keeps the last body it recognised.
class CheckEvaluator {
public:
    explicit CheckEvaluator(const CheckConfig& check);

    // memory may be nullptr (one-shot runs): rate()/delta() then say "not enough data".
    CheckEvaluation evaluate(const ProbeResult& result, const QDateTime& now, ConditionMemory* memory) const;

private:
    struct Parsed {
        std::optional<Condition> condition;
        bool warn = false;
        QString expression;
        QString parseError;
    };
    ProbeKind m_kind;
    QList<Parsed> m_conditions;
    bool m_usesMetrics = false; // some condition reads [METRIC]: the body is parsed once per poll for all of them
    // The last body recognised, with its verdict. A health endpoint mostly answers the same
    // bytes poll after poll, and comparing them costs far less than recognising them again.
    struct Recognized {
        QByteArray body;
        QByteArray contentType;
        int httpStatus = 0;
        BodyVerdict verdict;
    };
    mutable std::optional<Recognized> m_lastBody;
    BodyVerdict recognize(const QByteArray& body, const QByteArray& contentType, int httpStatus) const;

    CheckEvaluation judgeWithoutConditions(const ProbeResult& result, const BodyVerdict& verdict) const;
    void judgeConditions(CheckEvaluation& out, const ProbeResult& result, const BodyVerdict& verdict,
        const QDateTime& now, ConditionMemory* memory) const;
};

// Load-time validation: every condition of every check must parse.
QList<ConfigError> validateConditions(const Config& config);

} // namespace hd
