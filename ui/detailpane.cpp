#include "detailpane.h"

#include "models/displaytext.h"
#include "statuspalette.h"
#include "store/historystore.h"

#include <QCryptographicHash>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTimeZone>
#include <QVBoxLayout>
#include <climits>

namespace hd {

namespace {

constexpr int kBodyCap = 64 * 1024;
constexpr int kHistoryRows = 15;

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString chipHtml(Status s)
{
    return QStringLiteral("<span style='background:%1;color:%2;font-weight:bold'>&nbsp;%3&nbsp;</span>")
        .arg(statusColor(s).name(), statusTextColor(s).name(), statusName(s).toUpper());
}

QString row(const QString &label, const QString &valueHtml)
{
    return QStringLiteral("<tr><td style='padding-right:12px;color:gray'>%1</td><td>%2</td></tr>").arg(esc(label), valueHtml);
}

QString section(const QString &title)
{
    return QStringLiteral("<h3 style='margin-top:14px;margin-bottom:4px'>%1</h3>").arg(esc(title));
}

QString rowLabel(const RowState &r)
{
    return r.item.isEmpty() ? r.check : r.check + u" \u203a " + r.item;
}

} // namespace

DetailPane::DetailPane(HistoryStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_ack(new QPushButton(tr("Acknowledge\u2026"), this))
    , m_silence(new QPushButton(tr("Silence for\u2026"), this))
    , m_runNow(new QPushButton(tr("Run now"), this))
    , m_admin(new QPushButton(tr("Admin actions\u2026"), this))
    , m_text(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("detailPane"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_status->setObjectName(QStringLiteral("detailStatus"));
    m_ack->setObjectName(QStringLiteral("ackButton"));
    m_silence->setObjectName(QStringLiteral("silenceButton"));
    m_runNow->setObjectName(QStringLiteral("runNowButton"));
    m_admin->setObjectName(QStringLiteral("adminActionsButton"));
    m_text->setObjectName(QStringLiteral("detailText"));
    m_ack->setToolTip(tr("Take this check: the others see someone is on it (Ctrl+K)"));
    m_silence->setToolTip(tr("Mute this service's alerts for a while"));
    m_runNow->setToolTip(tr("Probe this check now, outside its schedule (F5)"));
    m_admin->setToolTip(tr("This service's admin actions"));
    m_admin->hide();
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_text->setOpenLinks(false);
    m_text->setFocusPolicy(Qt::StrongFocus);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_ack);
    buttons->addWidget(m_silence);
    buttons->addWidget(m_runNow);
    buttons->addStretch(1);
    buttons->addWidget(m_admin);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(m_text, 1);

    connect(m_ack, &QPushButton::clicked, this, [this] { Q_EMIT acknowledgeRequested(m_key); });
    connect(m_silence, &QPushButton::clicked, this, [this] { Q_EMIT silenceRequested(m_key); });
    connect(m_runNow, &QPushButton::clicked, this, [this] { Q_EMIT runNowRequested(m_key); });
    connect(m_admin, &QPushButton::clicked, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT adminRequested(m_rows.constFirst().service);
    });
    if (m_store)
        connect(m_store, &HistoryStore::eventsReady, this, &DetailPane::onEvents);
    showRows(QString(), {});
}

void DetailPane::setAdminAvailable(bool available)
{
    m_admin->setVisible(available);
}

QString DetailPane::text() const
{
    return m_title->text() + u'\n' + m_text->toPlainText();
}

void DetailPane::showRows(const QString &key, const QList<RowState> &rows)
{
    const bool changedKey = key != m_key;
    m_key = key;
    m_rows = rows;
    const RowState *selected = nullptr;
    for (const RowState &r : rows) {
        if (r.key == key)
            selected = &r;
    }
    m_ack->setEnabled(selected);
    m_silence->setEnabled(selected);
    m_runNow->setEnabled(selected);
    m_admin->setEnabled(selected);
    if (!selected) {
        m_title->setText(tr("Select a check"));
        m_status->setText(tr("Use the arrow keys in the matrix; Enter comes here."));
        m_text->clear();
        m_shownFingerprint.clear();
        m_history.clear();
        return;
    }
    if (changedKey) {
        m_history.clear();
        refreshHistory();
    }
    m_title->setText(selected->service + u" / " + rowLabel(*selected));
    QString status = chipHtml(selected->status);
    if (selected->impacted)
        status += u"&nbsp; " + tr("impacted by <b>%1</b>").arg(esc(selected->impactedBy));
    m_status->setText(status);

    const QString html = render(*selected, rows);
    const QByteArray fingerprint = QCryptographicHash::hash(html.toUtf8(), QCryptographicHash::Md5);
    if (fingerprint == m_shownFingerprint)
        return;
    m_shownFingerprint = fingerprint;
    // Keep the reader's place while the same check refreshes.
    const int scroll = changedKey ? 0 : m_text->verticalScrollBar()->value();
    m_text->setHtml(html);
    m_text->verticalScrollBar()->setValue(scroll);
}

void DetailPane::refreshHistory()
{
    if (!m_store || m_key.isEmpty())
        return;
    EventQuery q;
    q.checkKeys = { m_key };
    q.limit = kHistoryRows;
    m_historyRequest = m_store->requestEvents(q);
}

void DetailPane::onEvents(quint64 id, const QList<StateEvent> &events)
{
    if (id != m_historyRequest)
        return;
    m_history = events;
    m_shownFingerprint.clear();
    showRows(m_key, m_rows);
}

QString DetailPane::render(const RowState &r, const QList<RowState> &rows) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString h;
    h += QStringLiteral("<table cellspacing=0>");
    if (r.pending)
        h += row(tr("Pending"), tr("the last result was %1; the failure threshold is not reached yet").arg(chipHtml(r.rawStatus)));
    if (r.impacted)
        h += row(tr("Impacted"), tr("impacted by <b>%1</b>: a service this one depends on is failing. Fix %1 first.")
                                     .arg(esc(r.impactedBy)));
    if (r.offHours)
        h += row(tr("Off-hours"), tr("outside its calendar: it raises nothing"));
    if (r.acknowledged)
        h += row(tr("Acknowledged"), tr("someone has taken it"));
    if (r.silenced)
        h += row(tr("Silenced"), esc(r.silenceReason));
    if (r.flapping)
        h += row(tr("Flapping"), tr("changing state too often; alerts wait until it settles"));
    if (r.gated)
        h += row(tr("Waiting"), tr("for the service's startup check to pass"));
    h += row(tr("Detail"), esc(r.detail));
    h += row(tr("Latency"), r.lastResult.isValid() ? esc(formatLatency(r.latencyMs)) : tr("no result yet"));
    if (r.lastResult.isValid())
        h += row(tr("Last result"), esc(formatClock(r.lastResult, now)) + u" (" + esc(formatDuration(r.lastResult.msecsTo(now))) + u" ago)");
    if (r.since.isValid())
        h += row(tr("In this state since"), esc(formatClock(r.since, now)) + u" (" + esc(formatDuration(r.since.msecsTo(now))) + u")");
    h += row(tr("Severity"), esc(severityName(r.severity)));
    if (!r.tags.isEmpty())
        h += row(tr("Tags"), esc(r.tags.join(QStringLiteral(", "))));
    if (!r.evaluation.format.isEmpty())
        h += row(tr("Body format"), esc(r.evaluation.format));
    h += QStringLiteral("</table>");

    h += section(tr("Conditions"));
    if (r.evaluation.conditions.isEmpty()) {
        h += QStringLiteral("<p>%1</p>").arg(r.evaluation.format.isEmpty() ? tr("None: judged by the HTTP status or the probe's own verdict.")
                                                                          : tr("None: judged by what the body says (%1).").arg(esc(r.evaluation.format)));
    } else {
        h += QStringLiteral("<table cellspacing=0>");
        for (const ConditionOutcome &c : r.evaluation.conditions) {
            const QString mark = c.success ? QStringLiteral("<span style='color:%1'>\u2714</span>").arg(statusColor(Status::Ok).name())
                : c.warn                   ? QStringLiteral("<span style='color:%1'>\u26a0</span>").arg(statusColor(Status::Degraded).name())
                                           : QStringLiteral("<span style='color:%1'>\u2718</span>").arg(statusColor(Status::Down).name());
            QString note = c.warn ? tr(" (warn)") : QString();
            if (c.insufficientData)
                note += tr(" not enough data yet");
            if (!c.detail.isEmpty())
                note += u" \u2014 " + c.detail;
            h += QStringLiteral("<tr><td style='padding-right:6px'>%1</td><td><code>%2</code>%3</td></tr>")
                     .arg(mark, esc(c.display), esc(note));
        }
        h += QStringLiteral("</table>");
    }

    QList<QPair<QString, QPair<Status, QString>>> subs;
    for (const RowState &s : rows) {
        if (!s.item.isEmpty() && s.key != r.key)
            subs.append({ s.item, { s.status, s.detail } });
    }
    if (subs.isEmpty()) {
        for (const HealthItem &i : r.evaluation.items)
            subs.append({ i.name, { i.status, i.detail } });
    }
    if (!subs.isEmpty()) {
        h += section(r.result.items.isEmpty() ? tr("Sub-checks") : tr("Keys"));
        h += QStringLiteral("<table cellspacing=0 cellpadding=1>");
        for (const auto &s : std::as_const(subs))
            h += QStringLiteral("<tr><td style='padding-right:8px'>%1</td><td style='padding-right:8px'>%2</td><td>%3</td></tr>")
                     .arg(esc(s.first), chipHtml(s.second.first), esc(s.second.second));
        h += QStringLiteral("</table>");
    }

    const ProbeResult &p = r.result;
    h += section(tr("Response"));
    h += QStringLiteral("<table cellspacing=0>");
    h += row(tr("Outcome"), esc(outcomeName(p.outcome)) + (p.error.isEmpty() ? QString() : u": " + esc(p.error)));
    if (p.status)
        h += row(tr("Status code"), QString::number(p.status));
    if (!p.contentType.isEmpty())
        h += row(tr("Content type"), esc(QString::fromUtf8(p.contentType)));
    if (!p.ip.isEmpty())
        h += row(tr("Peer"), esc(p.ip));
    if (p.certificateExpirationMs)
        h += row(tr("Certificate"), esc(certificateExpiryText(*p.certificateExpirationMs)));
    if (p.ttlMs) {
        const qint64 ttl = *p.ttlMs;
        h += row(tr("Redis TTL"), ttl < 0 ? tr("no expiry") : esc(QString::number(double(ttl) / 1000.0, 'f', 1)) + tr(" s left"));
    }
    if (p.statusHint)
        h += row(tr("Probe verdict"), chipHtml(*p.statusHint) + u' ' + esc(p.hintDetail));
    h += QStringLiteral("</table>");
    if (!p.headers.isEmpty()) {
        QString headers;
        for (const auto &[name, value] : p.headers)
            headers += QString::fromUtf8(name) + u": " + QString::fromUtf8(value).left(512) + u'\n';
        h += QStringLiteral("<p style='margin-bottom:0'><b>%1</b></p><pre>%2</pre>").arg(tr("Headers"), esc(headers));
    }
    h += QStringLiteral("<p style='margin-bottom:0'><b>%1</b> %2</p>")
             .arg(tr("Body"), p.body.isEmpty() ? tr("(empty)") : tr("(%n byte(s))", nullptr, int(qMin<qsizetype>(p.body.size(), INT_MAX))));
    if (!p.body.isEmpty())
        h += QStringLiteral("<pre>%1</pre>").arg(esc(bodyForDisplay(p.body, kBodyCap)));

    h += section(tr("Recent changes"));
    if (m_history.isEmpty()) {
        h += QStringLiteral("<p>%1</p>").arg(tr("No state change recorded yet."));
    } else {
        h += QStringLiteral("<table cellspacing=0>");
        for (const StateEvent &e : m_history) {
            QString what = esc(e.detail);
            if (!e.impactedBy.isEmpty())
                what += u" \u00b7 " + tr("impacted by %1").arg(esc(e.impactedBy));
            h += QStringLiteral("<tr><td style='padding-right:8px'>%1</td><td style='padding-right:8px'>%2 \u2192 %3</td><td>%4</td></tr>")
                     .arg(esc(formatClock(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC), now)), chipHtml(e.from),
                          chipHtml(e.to), what);
        }
        h += QStringLiteral("</table>");
    }
    return h;
}

} // namespace hd
