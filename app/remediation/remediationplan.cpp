#include "remediationplan.h"

namespace hd {

namespace {

// "45 s", "2 min 5 s", "1 h 3 min"
QString inWords(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, (ms + 999) / 1000);
    if (s < 60)
        return QString::number(s) + u" s";
    if (s < 3600)
        return QString::number(s / 60) + u" min" + (s % 60 ? u' ' + QString::number(s % 60) + u" s" : QString());
    return QString::number(s / 3600) + u" h"
        + ((s % 3600) / 60 ? u' ' + QString::number((s % 3600) / 60) + u" min" : QString());
}

} // namespace

QString remediationStateName(RemediationPlan::State state)
{
    switch (state) {
    case RemediationPlan::State::Idle:
        return QStringLiteral("idle");
    case RemediationPlan::State::Waiting:
        return QStringLiteral("waiting");
    case RemediationPlan::State::InFlight:
        return QStringLiteral("in-flight");
    case RemediationPlan::State::Backoff:
        return QStringLiteral("backoff");
    case RemediationPlan::State::Blocked:
        return QStringLiteral("blocked");
    case RemediationPlan::State::Cancelled:
        return QStringLiteral("cancelled");
    case RemediationPlan::State::GaveUp:
        return QStringLiteral("gave-up");
    case RemediationPlan::State::Off:
        return QStringLiteral("off");
    }
    return {};
}

QString RemediationPlan::describe(const QDateTime& now) const
{
    const QString head = u"auto-heal: " + label;
    const QString next = u" (attempt " + QString::number(attempts + 1) + u'/' + QString::number(maxAttempts) + u')';
    switch (state) {
    case State::Idle:
        if (attempts > 0)
            return head + u" (" + QString::number(attempts) + u'/' + QString::number(maxAttempts)
                + u" attempts used; the budget resets after a healthy window)";
        return head + u" when it stays down";
    case State::Waiting:
    case State::Backoff:
        if (attempts >= maxAttempts)
            return head + u": waiting to see whether attempt " + QString::number(attempts) + u'/'
                + QString::number(maxAttempts) + u" helped";
        return head + u" in " + inWords(now.msecsTo(due)) + next;
    case State::InFlight:
        return head + u" now (attempt " + QString::number(attempts + 1) + u'/' + QString::number(maxAttempts) + u')';
    case State::Blocked:
        return head + u" on hold: " + reason;
    case State::Cancelled:
        return head + u" cancelled until it recovers";
    case State::GaveUp:
        return u"auto-heal gave up: " + label + u" did not help after " + QString::number(attempts) + u" attempts";
    case State::Off:
        return head + u" off: " + reason;
    }
    return head;
}

} // namespace hd
