#include "adminviews.h"

#include "store/historystore.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QPushButton>
#include <QVBoxLayout>

namespace hd {

namespace {

enum JobColumn { JobId, JobName, JobTrigger, JobNextRun, JobIn, JobColumnCount };
enum AuditColumn { AuditTime, AuditUser, AuditAction, AuditParams, AuditHttp, AuditResult, AuditMessage, AuditCount };

QTableWidgetItem* readOnlyItem(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

void setUpTable(QTableWidget* table, const QStringList& headers)
{
    table->setColumnCount(int(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
}

} // namespace

QColor adminOutcomeColor(const QString& outcome)
{
    if (outcome == u"success")
        return QColor(0x2e, 0x7d, 0x32);
    if (outcome == u"unknown" || outcome == u"refused")
        return QColor(0xb2, 0x6a, 0x00);
    return QColor(0xc6, 0x28, 0x28);
}

SchedulerJobTable::SchedulerJobTable(QWidget* parent)
    : QTableWidget(parent)
{
    setObjectName(QStringLiteral("adminJobTable"));
    setUpTable(this, { tr("ID"), tr("Name"), tr("Trigger"), tr("Next run"), tr("In") });
    // Half a second, so that a late timer never shows the same second twice in a row.
    m_countdown.setInterval(500);
    connect(&m_countdown, &QTimer::timeout, this, &SchedulerJobTable::tick);
}

QString SchedulerJobTable::countdownText(qint64 ms)
{
    if (ms <= 0)
        return tr("due");
    const qint64 total = (ms + 999) / 1000;
    const qint64 d = total / 86400;
    const qint64 h = total / 3600 % 24;
    const qint64 m = total / 60 % 60;
    const qint64 s = total % 60;
    const auto two = [](qint64 v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (d > 0)
        return tr("in %1d %2h %3m").arg(d).arg(two(h), two(m));
    if (h > 0)
        return tr("in %1h %2m %3s").arg(h).arg(two(m), two(s));
    if (m > 0)
        return tr("in %1m %2s").arg(m).arg(two(s));
    return tr("in %1s").arg(s);
}

void SchedulerJobTable::setJobs(const QList<SchedulerJob>& jobs)
{
    m_jobs = jobs;
    setRowCount(int(m_jobs.size()));
    for (int row = 0; row < m_jobs.size(); ++row) {
        const SchedulerJob& job = m_jobs.at(row);
        setItem(row, JobId, readOnlyItem(job.id));
        setItem(row, JobName, readOnlyItem(job.name));
        setItem(row, JobTrigger, readOnlyItem(job.trigger));
        setItem(row, JobNextRun,
            readOnlyItem(job.nextRun.isValid()
                    ? job.nextRun.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                    : tr("not scheduled")));
        setItem(row, JobIn, readOnlyItem(QString()));
    }
    if (m_jobs.isEmpty()) {
        m_countdown.stop();
        return;
    }
    resizeColumnsToContents();
    // The countdown column is empty until the first tick: give it room for its longest text.
    setColumnWidth(JobIn, fontMetrics().horizontalAdvance(countdownText(86'399'000LL * 9)) + 24);
    tick();
    m_countdown.start();
}

void SchedulerJobTable::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int row = 0; row < m_jobs.size() && row < rowCount(); ++row) {
        const SchedulerJob& job = m_jobs.at(row);
        const QString text = job.nextRun.isValid() ? countdownText(now.msecsTo(job.nextRun)) : QStringLiteral("—");
        if (QTableWidgetItem* cell = item(row, JobIn); cell && cell->text() != text)
            cell->setText(text);
    }
}

AdminAuditLog::AdminAuditLog(HistoryStore* store, QWidget* parent)
    : QGroupBox(tr("Audit log"), parent)
    , m_store(store)
{
    setObjectName(QStringLiteral("adminAuditGroup"));
    auto* layout = new QVBoxLayout(this);
    m_reload = new QPushButton(tr("Reload"), this);
    m_reload->setObjectName(QStringLiteral("adminAuditRefresh"));
    layout->addWidget(m_reload, 0, Qt::AlignRight);
    m_table = new QTableWidget(this);
    setUpTable(
        m_table, { tr("Time"), tr("User"), tr("Action"), tr("Parameters"), tr("HTTP"), tr("Result"), tr("Message") });
    m_table->setObjectName(QStringLiteral("adminAuditTable"));
    layout->addWidget(m_table);
    connect(m_reload, &QPushButton::clicked, this, &AdminAuditLog::reload);
    if (m_store)
        connect(m_store, &HistoryStore::auditReady, this, &AdminAuditLog::onAuditReady);
}

void AdminAuditLog::setService(const QString& service)
{
    m_service = service;
    m_request = 0;
    m_table->setRowCount(0);
}

void AdminAuditLog::reload()
{
    if (!m_store || m_service.isEmpty())
        return;
    AuditQuery query;
    query.service = m_service;
    query.limit = 200;
    m_request = m_store->requestAudit(query);
}

void AdminAuditLog::onAuditReady(quint64 requestId, const QList<AuditEntry>& entries)
{
    if (requestId != m_request)
        return; // superseded by a later read, or another view's
    m_table->setRowCount(int(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const AuditEntry& e = entries.at(row);
        const QString time = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        m_table->setItem(row, AuditTime, readOnlyItem(time));
        m_table->setItem(row, AuditUser, readOnlyItem(e.osUser));
        m_table->setItem(row, AuditAction, readOnlyItem(e.action));
        m_table->setItem(row, AuditParams,
            readOnlyItem(e.params.isEmpty()
                    ? QString()
                    : QString::fromUtf8(QJsonDocument(e.params).toJson(QJsonDocument::Compact))));
        m_table->setItem(row, AuditHttp, readOnlyItem(e.httpStatus > 0 ? QString::number(e.httpStatus) : QString()));
        auto* result = readOnlyItem(e.result);
        result->setForeground(adminOutcomeColor(e.result));
        m_table->setItem(row, AuditResult, result);
        m_table->setItem(row, AuditMessage, readOnlyItem(e.message));
    }
    m_table->resizeColumnsToContents();
    Q_EMIT loaded(int(entries.size()));
}

} // namespace hd
