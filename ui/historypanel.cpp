#include "historypanel.h"

#include "models/statusroles.h"
#include "prompts.h"
#include "statuspalette.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace hd {

namespace {

constexpr qint64 kHour = 3600 * 1000;

// Colours the "what happened" cell by the status a check went to.
class HistoryDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        const int status = index.data(StatusRole).toInt();
        if (index.column() == HistoryModel::ColEvent && status >= 0 && !(opt.state & QStyle::State_Selected)) {
            // A change caused by a dependency is context, not news.
            const bool impacted = !index.data(ImpactedByRole).toString().isEmpty();
            opt.palette.setColor(QPalette::Text, impacted ? mutedColor(opt.palette) : statusColor(Status(status)));
            opt.font.setBold(!impacted && Status(status) != Status::Ok);
        }
        QStyledItemDelegate::paint(painter, opt, index);
    }
};

} // namespace

HistoryPanel::HistoryPanel(HistoryStore* store, QWidget* parent)
    : QWidget(parent)
    , m_model(new HistoryModel(store, this))
    , m_view(new QTableView(this))
    , m_range(new QComboBox(this))
    , m_service(new QComboBox(this))
    , m_status(new QComboBox(this))
    , m_severity(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_export(new QPushButton(tr("Export CSV\u2026"), this))
    , m_count(new QLabel(this))
{
    setObjectName(QStringLiteral("historyPanel"));
    m_view->setObjectName(QStringLiteral("historyView"));
    m_range->setObjectName(QStringLiteral("historyRange"));
    m_service->setObjectName(QStringLiteral("historyService"));
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_severity->setObjectName(QStringLiteral("historySeverity"));
    m_search->setObjectName(QStringLiteral("historySearch"));
    m_export->setObjectName(QStringLiteral("exportCsvButton"));
    m_count->setObjectName(QStringLiteral("historyCount"));

    m_range->addItem(tr("Last hour"), kHour);
    m_range->addItem(tr("Last 24 hours"), 24 * kHour);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * kHour);
    m_range->addItem(tr("Last 30 days"), 30 * 24 * kHour);
    m_range->addItem(tr("All time"), 0);
    m_range->setCurrentIndex(4);
    m_service->addItem(tr("All services"), QString());
    m_status->addItem(tr("Any status"), -1);
    for (Status s : { Status::Down, Status::Stale, Status::Unknown, Status::Degraded, Status::Starting, Status::Ok })
        m_status->addItem(tr("to %1").arg(statusName(s)), int(s));
    m_severity->addItem(tr("Any severity"), -1);
    m_severity->addItem(severityName(Severity::Critical), int(Severity::Critical));
    m_severity->addItem(severityName(Severity::Warning), int(Severity::Warning));
    m_search->setPlaceholderText(tr("Search detail, check, service\u2026"));
    m_search->setClearButtonEnabled(true);

    m_view->setModel(m_model);
    m_view->setItemDelegate(new HistoryDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // Fixed row heights: the view never asks a million rows for their size.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->resizeSection(HistoryModel::ColTime, 150);
    m_view->horizontalHeader()->resizeSection(HistoryModel::ColService, 130);
    m_view->horizontalHeader()->resizeSection(HistoryModel::ColCheck, 170);
    m_view->horizontalHeader()->resizeSection(HistoryModel::ColEvent, 200);
    m_view->horizontalHeader()->resizeSection(HistoryModel::ColSeverity, 80);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_range);
    filters->addWidget(m_service);
    filters->addWidget(m_status);
    filters->addWidget(m_severity);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_count);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &HistoryPanel::applyFilter);
    for (QComboBox* box : { m_range, m_service, m_status, m_severity })
        connect(box, &QComboBox::currentIndexChanged, this, &HistoryPanel::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, &HistoryPanel::applyFilter);
    connect(m_export, &QPushButton::clicked, this, &HistoryPanel::exportCsv);
    connect(m_model, &HistoryModel::loaded, this, &HistoryPanel::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &HistoryPanel::updateCount);
    connect(m_model, &HistoryModel::loadFailed, this,
        [this](const QString& error) { m_count->setText(tr("Could not read the history: %1").arg(error)); });
    applyFilter();
}

void HistoryPanel::setServices(const QStringList& services)
{
    const QString current = m_service->currentData().toString();
    QStringList existing;
    for (int i = 1; i < m_service->count(); ++i)
        existing << m_service->itemData(i).toString();
    if (existing == services)
        return;
    const QSignalBlocker block(m_service);
    while (m_service->count() > 1)
        m_service->removeItem(1);
    for (const QString& s : services)
        m_service->addItem(s, s);
    m_service->setCurrentIndex(qMax(0, m_service->findData(current)));
}

HistoryFilter HistoryPanel::currentFilter() const
{
    HistoryFilter f;
    const qint64 span = m_range->currentData().toLongLong();
    if (span > 0)
        f.fromMs = QDateTime::currentMSecsSinceEpoch() - span;
    if (const QString service = m_service->currentData().toString(); !service.isEmpty())
        f.services = { service };
    if (const int status = m_status->currentData().toInt(); status >= 0)
        f.statuses = { Status(status) };
    if (const int severity = m_severity->currentData().toInt(); severity >= 0)
        f.severities = { Severity(severity) };
    f.text = m_search->text().trimmed();
    return f;
}

void HistoryPanel::applyFilter()
{
    m_debounce.stop();
    m_count->setText(tr("Loading\u2026"));
    m_model->setFilter(currentFilter());
}

void HistoryPanel::updateCount()
{
    if (m_model->isLoading())
        return;
    m_count->setText(tr("%n entries in the timeline", nullptr, m_model->rowCount()));
}

void HistoryPanel::exportCsv()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested
        = QDir(dir).filePath(QStringLiteral("healthdeck-history-%1.csv")
                                 .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    const QString path = Prompts::saveCsvPath(this, suggested);
    if (path.isEmpty())
        return;
    m_export->setEnabled(false);
    m_count->setText(tr("Exporting to %1\u2026").arg(path));
    m_model->exportCsv(path, this, [this](const CsvExportResult& result) {
        m_export->setEnabled(true);
        m_count->setText(result.ok ? tr("Exported %n row(s) to %1", nullptr, int(result.rows)).arg(result.path)
                                   : tr("Export failed: %1").arg(result.error));
        Q_EMIT exported(result);
    });
}

} // namespace hd
