#include "detailpane.h"

#include "models/displaytext.h"
#include "statuspalette.h"
#include "store/historystore.h"

#include <QCryptographicHash>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>
#include <climits>

namespace hd {

namespace {

constexpr int kBodyCap = 64 * 1024;
constexpr int kHistoryRows = 15;

bool isOpenableLink(const QUrl& url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString chipHtml(Status s)
{
    return QStringLiteral("<span style='background:%1;color:%2;font-weight:bold'>&nbsp;%3&nbsp;</span>")
        .arg(statusColor(s).name(), statusTextColor(s).name(), statusName(s).toUpper());
}

QString row(const QString& label, const QString& valueHtml)
{
    return QStringLiteral("<tr><td style='padding-right:12px;color:gray'>%1</td><td>%2</td></tr>")
        .arg(esc(label), valueHtml);
}

QString section(const QString& title)
{
    return QStringLiteral("<h3 style='margin-top:14px;margin-bottom:4px'>%1</h3>").arg(esc(title));
}

QString rowLabel(const RowState& r)
{
    return r.item.isEmpty() ? r.check : r.check + u" \u203a " + r.item;
}

} // namespace

DetailPane::DetailPane(HistoryStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_ack(new QPushButton(tr("Acknowledge\u2026"), this))
    , m_silence(new QPushButton(tr("Silence for\u2026"), this))
    , m_runNow(new QPushButton(tr("Run now"), this))
    , m_admin(new QPushButton(tr("Admin actions\u2026"), this))
    , m_text(new QTextBrowser(this))
    , m_heal(new QWidget(this))
    , m_healText(new QLabel(m_heal))
    , m_healCancel(new QPushButton(tr("Cancel"), m_heal))
    , m_healRunNow(new QPushButton(tr("Run now"), m_heal))
{
    setObjectName(QStringLiteral("detailPane"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_status->setObjectName(QStringLiteral("detailStatus"));
    m_ack->setObjectName(QStringLiteral("ackButton"));
    m_silence->setObjectName(QStringLiteral("silenceButton"));
    m_runNow->setObjectName(QStringLiteral("runNowButton"));
    m_admin->setObjectName(QStringLiteral("adminActionsButton"));
    m_text->setObjectName(QStringLiteral("detailText"));
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
    // Only web links open, in the desktop's browser; nothing in a row's text can start anything else.
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (!isOpenableLink(url))
            return;
        QDesktopServices::openUrl(url);
    });
    m_text->setFocusPolicy(Qt::StrongFocus);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_ack);
    buttons->addWidget(m_silence);
    buttons->addWidget(m_runNow);
    buttons->addStretch(1);
    buttons->addWidget(m_admin);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(m_heal);
    layout->addWidget(m_text, 1);

    m_heal->setObjectName(QStringLiteral("healPlan"));
    m_healText->setObjectName(QStringLiteral("healPlanText"));
    m_healText->setWordWrap(true);
    m_healText->setTextFormat(Qt::PlainText);
    m_healCancel->setObjectName(QStringLiteral("healCancelButton"));
    m_healRunNow->setObjectName(QStringLiteral("healRunNowButton"));
    m_healCancel->setToolTip(tr("Do not make this auto-heal attempt; auto-heal waits until the check recovers"));
    m_healRunNow->setToolTip(tr("Make the auto-heal attempt now instead of waiting"));
    auto* heal = new QHBoxLayout(m_heal);
    heal->setContentsMargins(0, 0, 0, 0);
    heal->addWidget(m_healText, 1);
    heal->addWidget(m_healCancel);
    heal->addWidget(m_healRunNow);
    m_heal->hide();
    m_healTick.setInterval(1000);
    connect(&m_healTick, &QTimer::timeout, this, [this] { setRemediationPlan(m_plan); });
    connect(m_healCancel, &QPushButton::clicked, this, [this] {
        if (m_plan)
            Q_EMIT healCancelRequested(m_plan->target);
    });
    connect(m_healRunNow, &QPushButton::clicked, this, [this] {
        if (m_plan)
            Q_EMIT healRunNowRequested(m_plan->target);
    });

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

void DetailPane::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    showRows(m_key, m_rows);
}

void DetailPane::setAdminAvailable(bool available)
{
    m_admin->setVisible(available);
}

void DetailPane::setRemediationPlan(const std::optional<RemediationPlan>& plan)
{
    m_plan = plan;
    if (!plan) {
        m_heal->hide();
        m_healTick.stop();
        return;
    }
    using State = RemediationPlan::State;
    m_healText->setText(plan->describe(QDateTime::currentDateTimeUtc()));
    const bool pending
        = plan->state == State::Waiting || (plan->state == State::Backoff && plan->attempts < plan->maxAttempts);
    m_healCancel->setEnabled(pending);
    m_healRunNow->setEnabled(pending || plan->state == State::Cancelled);
    m_heal->show();
    if (pending && !m_healTick.isActive())
        m_healTick.start();
    else if (!pending)
        m_healTick.stop();
}

QString DetailPane::remediationText() const
{
    return m_plan ? m_healText->text() : QString();
}

QString DetailPane::text() const
{
    return m_title->text() + u'\n' + m_text->toPlainText();
}

void DetailPane::showRows(const QString& key, const QList<RowState>& rows)
{
    const bool changedKey = key != m_key;
    m_key = key;
    m_rows = rows;
    const RowState* selected = nullptr;
    for (const RowState& r : rows) {
        if (r.key == key)
            selected = &r;
    }
    // The same button takes an acknowledgement back; for an alert that expires its Alertmanager silence.
    const bool alert = selected && selected->result.alert;
    const bool taken = selected && isAcknowledged(*selected);
    m_ack->setText(taken ? tr("Remove acknowledgement") : tr("Acknowledge\u2026"));
    m_ack->setEnabled(selected && !(alert && m_readOnly));
    m_ack->setToolTip(alert && m_readOnly
            ? tr("Read-only mode: acknowledging an alert would write a silence to Alertmanager")
            : alert && taken ? tr("Expire this alert's silence in Alertmanager (Ctrl+K)")
            : alert          ? tr("Silence this alert in Alertmanager, with an expiry (Ctrl+K)")
            : taken          ? tr("Take the acknowledgement back (Ctrl+K)")
                             : tr("Take this check: the others see someone is on it (Ctrl+K)"));
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

void DetailPane::onEvents(quint64 id, const QList<StateEvent>& events)
{
    if (id != m_historyRequest)
        return;
    m_history = events;
    m_shownFingerprint.clear();
    showRows(m_key, m_rows);
}

// What Alertmanager says of an alert row: where it comes from, since when, its labels, and a link to
// the expression that fires it.
QString DetailPane::alertSection(const AlertFacts& a, const QDateTime& now) const
{
    QString h = section(tr("Alertmanager"));
    h += QStringLiteral("<table cellspacing=0>");
    h += row(
        tr("Source"), esc(a.source) + (a.stale ? u" \u00b7 " + tr("stale: %1").arg(esc(a.staleReason)) : QString()));
    if (a.startsAt.isValid())
        h += row(tr("Firing since"),
            esc(formatClock(a.startsAt, now)) + u" (" + esc(formatDuration(a.startsAt.msecsTo(now))) + u")");
    h += row(tr("Severity label"), a.severity.isEmpty() ? tr("(none)") : esc(a.severity));
    if (!a.silence.isEmpty() || !a.silencedBy.isEmpty())
        h += row(tr("Silence"), esc(a.silence.isEmpty() ? a.silencedBy.join(QStringLiteral(", ")) : a.silence));
    if (!a.inhibitedBy.isEmpty())
        h += row(tr("Inhibited by"), esc(a.inhibitedBy.join(QStringLiteral(", "))));
    QStringList labels;
    for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
        labels << esc(it.key()) + u"=<code>" + esc(it.value()) + u"</code>";
    h += row(tr("Labels"), labels.join(QStringLiteral(", ")));
    h += row(tr("Fingerprint"), u"<code>" + esc(a.fingerprint) + u"</code>");
    const QUrl generator(a.generatorUrl);
    if (isOpenableLink(generator))
        h += row(tr("Generator"),
            QStringLiteral("<a href=\"%1\">%2</a>")
                .arg(esc(generator.toString(QUrl::FullyEncoded)), esc(a.generatorUrl)));
    else if (!a.generatorUrl.isEmpty())
        h += row(tr("Generator"), esc(a.generatorUrl));
    h += QStringLiteral("</table>");
    return h;
}

QString DetailPane::render(const RowState& r, const QList<RowState>& rows) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString h;
    h += QStringLiteral("<table cellspacing=0>");
    if (r.pending)
        h += row(tr("Pending"),
            tr("the last result was %1; the failure threshold is not reached yet").arg(chipHtml(r.rawStatus)));
    if (r.impacted)
        h += row(tr("Impacted"),
            tr("impacted by <b>%1</b>: a service this one depends on is failing. Fix %1 first.")
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
        h += row(tr("Last result"),
            esc(formatClock(r.lastResult, now)) + u" (" + esc(formatDuration(r.lastResult.msecsTo(now))) + u" ago)");
    if (r.since.isValid())
        h += row(tr("In this state since"),
            esc(formatClock(r.since, now)) + u" (" + esc(formatDuration(r.since.msecsTo(now))) + u")");
    h += row(tr("Severity"), esc(severityName(r.severity)));
    if (!r.tags.isEmpty())
        h += row(tr("Tags"), esc(r.tags.join(QStringLiteral(", "))));
    if (!r.evaluation.format.isEmpty())
        h += row(tr("Body format"), esc(r.evaluation.format));
    h += QStringLiteral("</table>");

    h += section(tr("Conditions"));
    if (r.evaluation.conditions.isEmpty() && r.result.alert) {
        h += QStringLiteral("<p>%1</p>")
                 .arg(tr("None: the alert's severity label decides, through the source's severity map."));
    } else if (r.evaluation.conditions.isEmpty()) {
        h += QStringLiteral("<p>%1</p>")
                 .arg(r.evaluation.format.isEmpty()
                         ? tr("None: judged by the HTTP status or the probe's own verdict.")
                         : tr("None: judged by what the body says (%1).").arg(esc(r.evaluation.format)));
    } else {
        h += QStringLiteral("<table cellspacing=0>");
        for (const ConditionOutcome& c : r.evaluation.conditions) {
            const QString mark = c.success
                ? QStringLiteral("<span style='color:%1'>\u2714</span>").arg(statusColor(Status::Ok).name())
                : c.warn
                ? QStringLiteral("<span style='color:%1'>\u26a0</span>").arg(statusColor(Status::Degraded).name())
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
    for (const RowState& s : rows) {
        if (!s.item.isEmpty() && s.key != r.key)
            subs.append({ s.item, { s.status, s.detail } });
    }
    if (subs.isEmpty()) {
        for (const HealthItem& i : r.evaluation.items)
            subs.append({ i.name, { i.status, i.detail } });
    }
    if (!subs.isEmpty()) {
        h += section(r.result.items.isEmpty() ? tr("Sub-checks") : tr("Keys"));
        h += QStringLiteral("<table cellspacing=0 cellpadding=1>");
        for (const auto& s : std::as_const(subs))
            h += QStringLiteral(
                "<tr><td style='padding-right:8px'>%1</td><td style='padding-right:8px'>%2</td><td>%3</td></tr>")
                     .arg(esc(s.first), chipHtml(s.second.first), esc(s.second.second));
        h += QStringLiteral("</table>");
    }

    if (r.result.alert)
        h += alertSection(*r.result.alert, now);

    const ProbeResult& p = r.result;
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
        h += row(tr("Redis TTL"),
            ttl < 0 ? tr("no expiry") : esc(QString::number(double(ttl) / 1000.0, 'f', 1)) + tr(" s left"));
    }
    if (p.statusHint)
        h += row(tr("Probe verdict"), chipHtml(*p.statusHint) + u' ' + esc(p.hintDetail));
    h += QStringLiteral("</table>");
    if (!p.headers.isEmpty()) {
        QString headers;
        for (const auto& [name, value] : p.headers)
            headers += QString::fromUtf8(name) + u": " + QString::fromUtf8(value).left(512) + u'\n';
        h += QStringLiteral("<p style='margin-bottom:0'><b>%1</b></p><pre>%2</pre>").arg(tr("Headers"), esc(headers));
    }
    h += QStringLiteral("<p style='margin-bottom:0'><b>%1</b> %2</p>")
             .arg(tr("Body"),
                 p.body.isEmpty() ? tr("(empty)")
                                  : tr("(%n byte(s))", nullptr, int(qMin<qsizetype>(p.body.size(), INT_MAX))));
    if (!p.body.isEmpty())
        h += QStringLiteral("<pre>%1</pre>").arg(esc(bodyForDisplay(p.body, kBodyCap)));

    h += section(tr("Recent changes"));
    if (m_history.isEmpty()) {
        h += QStringLiteral("<p>%1</p>").arg(tr("No state change recorded yet."));
    } else {
        h += QStringLiteral("<table cellspacing=0>");
        for (const StateEvent& e : m_history) {
            QString what = esc(e.detail);
            if (!e.impactedBy.isEmpty())
                what += u" \u00b7 " + tr("impacted by %1").arg(esc(e.impactedBy));
            h += QStringLiteral("<tr><td style='padding-right:8px'>%1</td><td style='padding-right:8px'>%2 \u2192 "
                                "%3</td><td>%4</td></tr>")
                     .arg(esc(formatClock(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC), now)), chipHtml(e.from),
                         chipHtml(e.to), what);
        }
        h += QStringLiteral("</table>");
    }
    return h;
}

} // namespace hd
