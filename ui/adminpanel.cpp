#include "adminpanel.h"

#include "store/historystore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hd {

namespace {

std::optional<bool> s_nextConfirmation;
std::optional<QString> s_nextPassword;
QString s_lastConfirmation;

const QString kStatus = QStringLiteral("scheduler-status");
const QString kStart = QStringLiteral("scheduler-start");
const QString kStop = QStringLiteral("scheduler-stop");
const QString kRestart = QStringLiteral("scheduler-restart");
const QString kTrigger = QStringLiteral("trigger-job");
const QString kCacheStats = QStringLiteral("cache-stats");
const QString kCacheClear = QStringLiteral("cache-clear");
const QString kTelegram = QStringLiteral("test-telegram");

enum JobColumn { JobId, JobName, JobTrigger, JobNextRun, JobIn, JobColumnCount };
enum AuditColumn { AuditTime, AuditUser, AuditAction, AuditParams, AuditHttp, AuditResult, AuditMessage, AuditCount };

// "in 1h 02m 03s", "in 2m 05s", "in 45s"; "due" once the time has come.
QString countdownText(qint64 ms)
{
    if (ms <= 0)
        return QObject::tr("due");
    const qint64 total = (ms + 999) / 1000;
    const qint64 d = total / 86400;
    const qint64 h = total / 3600 % 24;
    const qint64 m = total / 60 % 60;
    const qint64 s = total % 60;
    const auto two = [](qint64 v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (d > 0)
        return QObject::tr("in %1d %2h %3m").arg(d).arg(two(h), two(m));
    if (h > 0)
        return QObject::tr("in %1h %2m %3s").arg(h).arg(two(m), two(s));
    if (m > 0)
        return QObject::tr("in %1m %2s").arg(m).arg(two(s));
    return QObject::tr("in %1s").arg(s);
}

QColor outcomeColor(const QString& outcome)
{
    if (outcome == u"success")
        return QColor(0x2e, 0x7d, 0x32);
    if (outcome == u"unknown" || outcome == u"refused")
        return QColor(0xb2, 0x6a, 0x00);
    return QColor(0xc6, 0x28, 0x28);
}

QTableWidgetItem* readOnlyItem(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

QTableWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    return table;
}

} // namespace

AdminPanel::AdminPanel(AdminClient* client, HistoryStore* store, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_store(store)
{
    setObjectName(QStringLiteral("adminPanel"));
    buildUi();
    // Half a second, so that a late timer never shows the same second twice in a row.
    m_countdown.setInterval(500);
    connect(&m_countdown, &QTimer::timeout, this, &AdminPanel::tickCountdown);
    connect(m_client, &AdminClient::finished, this, &AdminPanel::onFinished);
    connect(m_client, &AdminClient::busyChanged, this, [this](const QString& service, bool busy) {
        if (service != m_service)
            return;
        updateEnabled();
        if (!busy) // another caller's request on the service may have held up the queue
            QMetaObject::invokeMethod(this, &AdminPanel::runNext, Qt::QueuedConnection);
    });
    connect(m_client, &AdminClient::secretStored, this, [this](const QString& service, bool ok, const QString& error) {
        if (service != m_service)
            return;
        showMessage(ok ? tr("The password of %1 is stored in %2.").arg(service, m_client->secretStore()->name())
                       : tr("Could not store the password of %1: %2").arg(service, error),
            ok ? QStringLiteral("success") : QStringLiteral("failure"));
        if (ok)
            refresh();
    });
    if (m_store)
        connect(m_store, &HistoryStore::auditReady, this, &AdminPanel::onAuditReady);
    updateVisibility();
}

AdminPanel::~AdminPanel() = default;

void AdminPanel::setNextConfirmation(std::optional<bool> answer)
{
    s_nextConfirmation = answer;
}

void AdminPanel::setNextPassword(std::optional<QString> password)
{
    s_nextPassword = std::move(password);
}

QString AdminPanel::lastConfirmationText()
{
    return s_lastConfirmation;
}

void AdminPanel::buildUi()
{
    auto* outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("adminTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_picker = new QComboBox(this);
    m_picker->setObjectName(QStringLiteral("adminServicePicker"));
    m_picker->setToolTip(tr("The services with admin actions"));
    m_picker->setAccessibleName(tr("Service"));
    auto* pickerLabel = new QLabel(tr("&Service:"), this);
    pickerLabel->setBuddy(m_picker);
    auto* head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    head->addWidget(pickerLabel);
    head->addWidget(m_picker);
    outer->addLayout(head);
    connect(m_picker, &QComboBox::activated, this, [this](int index) {
        const QString chosen = m_picker->itemData(index).toString();
        if (!chosen.isEmpty())
            setService(chosen);
    });

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("adminNotice"));
    m_notice->setWordWrap(true);
    outer->addWidget(m_notice);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("adminMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText); // the backend's words, never markup
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    outer->addWidget(m_message);

    m_inFlight = new QLabel(this);
    m_inFlight->setObjectName(QStringLiteral("adminInFlight"));
    m_inFlight->hide();
    outer->addWidget(m_inFlight);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    m_actionsArea = new QWidget(content);
    m_actionsArea->setObjectName(QStringLiteral("adminActions"));
    auto* actions = new QVBoxLayout(m_actionsArea);
    actions->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_actionsArea);

    m_storePassword = new QPushButton(tr("Store password in keychain…"), m_actionsArea);
    m_storePassword->setObjectName(QStringLiteral("adminStorePassword"));
    connect(m_storePassword, &QPushButton::clicked, this, &AdminPanel::askForPassword);
    actions->addWidget(m_storePassword, 0, Qt::AlignLeft);

    // Scheduler.
    m_schedulerGroup = new QGroupBox(tr("Scheduler"), m_actionsArea);
    m_schedulerGroup->setObjectName(QStringLiteral("adminSchedulerGroup"));
    auto* scheduler = new QVBoxLayout(m_schedulerGroup);
    auto* schedulerRow = new QHBoxLayout;
    m_schedulerState = new QLabel(tr("unknown"), m_schedulerGroup);
    m_schedulerState->setObjectName(QStringLiteral("adminSchedulerState"));
    schedulerRow->addWidget(m_schedulerState, 1);
    m_schedulerRefresh = new QPushButton(tr("Refresh"), m_schedulerGroup);
    m_schedulerRefresh->setObjectName(QStringLiteral("adminSchedulerRefresh"));
    m_schedulerStart = new QPushButton(tr("Start"), m_schedulerGroup);
    m_schedulerStart->setObjectName(QStringLiteral("adminSchedulerStart"));
    m_schedulerStop = new QPushButton(tr("Stop…"), m_schedulerGroup);
    m_schedulerStop->setObjectName(QStringLiteral("adminSchedulerStop"));
    m_schedulerRestart = new QPushButton(tr("Restart…"), m_schedulerGroup);
    m_schedulerRestart->setObjectName(QStringLiteral("adminSchedulerRestart"));
    for (QPushButton* b : { m_schedulerRefresh, m_schedulerStart, m_schedulerStop, m_schedulerRestart })
        schedulerRow->addWidget(b);
    scheduler->addLayout(schedulerRow);
    m_jobTable = makeTable({ tr("ID"), tr("Name"), tr("Trigger"), tr("Next run"), tr("In") }, m_schedulerGroup);
    m_jobTable->setObjectName(QStringLiteral("adminJobTable"));
    scheduler->addWidget(m_jobTable);
    actions->addWidget(m_schedulerGroup);
    connect(m_schedulerRefresh, &QPushButton::clicked, this, [this] { requestAction(kStatus, {}); });
    connect(m_schedulerStart, &QPushButton::clicked, this, [this] { requestAction(kStart, {}); });
    connect(m_schedulerStop, &QPushButton::clicked, this, [this] { requestAction(kStop, {}); });
    connect(m_schedulerRestart, &QPushButton::clicked, this, [this] { requestAction(kRestart, {}); });

    // Trigger a job.
    m_triggerGroup = new QGroupBox(tr("Run a job now"), m_actionsArea);
    m_triggerGroup->setObjectName(QStringLiteral("adminTriggerGroup"));
    auto* trigger = new QHBoxLayout(m_triggerGroup);
    m_jobType = new QComboBox(m_triggerGroup);
    m_jobType->setObjectName(QStringLiteral("adminJobType"));
    m_triggerJob = new QPushButton(tr("Run job…"), m_triggerGroup);
    m_triggerJob->setObjectName(QStringLiteral("adminTriggerJob"));
    trigger->addWidget(m_jobType, 1);
    trigger->addWidget(m_triggerJob);
    actions->addWidget(m_triggerGroup);
    connect(m_triggerJob, &QPushButton::clicked, this, [this] {
        requestAction(kTrigger, { { QStringLiteral("job_type"), m_jobType->currentData().toString() } });
    });

    // Cache.
    m_cacheGroup = new QGroupBox(tr("Cache"), m_actionsArea);
    m_cacheGroup->setObjectName(QStringLiteral("adminCacheGroup"));
    auto* cache = new QVBoxLayout(m_cacheGroup);
    auto* stats = new QGridLayout;
    const QList<QPair<QString, QString>> statFields {
        { QStringLiteral("total_clients"), tr("Total clients") },
        { QStringLiteral("active_clients"), tr("Active clients") },
        { QStringLiteral("expired_clients"), tr("Expired clients") },
        { QStringLiteral("max_size"), tr("Max size") },
        { QStringLiteral("ttl"), tr("TTL") },
        { QStringLiteral("entries"), tr("Entries") },
    };
    int row = 0;
    for (const auto& [key, label] : statFields) {
        auto* value = new QLabel(QStringLiteral("–"), m_cacheGroup);
        // "adminCacheTotalClients", "adminCacheTtl", ...
        QString name = QStringLiteral("adminCache");
        for (const QString& part : key.split(u'_'))
            name += part.left(1).toUpper() + part.mid(1);
        value->setObjectName(name);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        stats->addWidget(new QLabel(label + u':', m_cacheGroup), row / 3, (row % 3) * 2);
        stats->addWidget(value, row / 3, (row % 3) * 2 + 1);
        m_cacheStats.insert(key, value);
        ++row;
    }
    cache->addLayout(stats);
    auto* clearRow = new QHBoxLayout;
    m_cacheType = new QComboBox(m_cacheGroup);
    m_cacheType->setObjectName(QStringLiteral("adminCacheType"));
    m_cacheExchange = new QComboBox(m_cacheGroup);
    m_cacheExchange->setObjectName(QStringLiteral("adminCacheExchange"));
    m_cacheExchange->setEditable(true);
    m_cacheExchange->lineEdit()->setPlaceholderText(tr("every exchange"));
    m_cacheMarketType = new QComboBox(m_cacheGroup);
    m_cacheMarketType->setObjectName(QStringLiteral("adminCacheMarketType"));
    m_cacheMarketType->setEditable(true);
    m_cacheMarketType->lineEdit()->setPlaceholderText(tr("every market type"));
    m_cacheMarketType->addItems({ QString(), QStringLiteral("spot"), QStringLiteral("futures") });
    m_cacheRefresh = new QPushButton(tr("Refresh"), m_cacheGroup);
    m_cacheRefresh->setObjectName(QStringLiteral("adminCacheRefresh"));
    m_cacheClear = new QPushButton(tr("Clear…"), m_cacheGroup);
    m_cacheClear->setObjectName(QStringLiteral("adminCacheClear"));
    clearRow->addWidget(new QLabel(tr("Type"), m_cacheGroup));
    clearRow->addWidget(m_cacheType);
    clearRow->addWidget(new QLabel(tr("Exchange"), m_cacheGroup));
    clearRow->addWidget(m_cacheExchange, 1);
    clearRow->addWidget(new QLabel(tr("Market type"), m_cacheGroup));
    clearRow->addWidget(m_cacheMarketType, 1);
    clearRow->addWidget(m_cacheRefresh);
    clearRow->addWidget(m_cacheClear);
    cache->addLayout(clearRow);
    actions->addWidget(m_cacheGroup);
    connect(m_cacheRefresh, &QPushButton::clicked, this, [this] { requestAction(kCacheStats, {}); });
    connect(m_cacheClear, &QPushButton::clicked, this, [this] { requestAction(kCacheClear, cacheClearParams()); });

    // Telegram.
    m_telegramGroup = new QGroupBox(tr("Notifications"), m_actionsArea);
    m_telegramGroup->setObjectName(QStringLiteral("adminTelegramGroup"));
    auto* telegram = new QHBoxLayout(m_telegramGroup);
    m_testTelegram = new QPushButton(tr("Send a Telegram test message"), m_telegramGroup);
    m_testTelegram->setObjectName(QStringLiteral("adminTestTelegram"));
    telegram->addWidget(m_testTelegram, 0, Qt::AlignLeft);
    actions->addWidget(m_telegramGroup);
    connect(m_testTelegram, &QPushButton::clicked, this, [this] { requestAction(kTelegram, {}); });

    // The config's own actions.
    m_customGroup = new QGroupBox(tr("More actions"), m_actionsArea);
    m_customGroup->setObjectName(QStringLiteral("adminCustomGroup"));
    m_customLayout = new QVBoxLayout(m_customGroup);
    actions->addWidget(m_customGroup);

    // The audit log shows in read-only mode too.
    auto* auditGroup = new QGroupBox(tr("Audit log"), content);
    auditGroup->setObjectName(QStringLiteral("adminAuditGroup"));
    auto* audit = new QVBoxLayout(auditGroup);
    m_auditRefresh = new QPushButton(tr("Reload"), auditGroup);
    m_auditRefresh->setObjectName(QStringLiteral("adminAuditRefresh"));
    audit->addWidget(m_auditRefresh, 0, Qt::AlignRight);
    m_auditTable
        = makeTable({ tr("Time"), tr("User"), tr("Action"), tr("Parameters"), tr("HTTP"), tr("Result"), tr("Message") },
            auditGroup);
    m_auditTable->setObjectName(QStringLiteral("adminAuditTable"));
    audit->addWidget(m_auditTable);
    contentLayout->addWidget(auditGroup, 1);
    connect(m_auditRefresh, &QPushButton::clicked, this, &AdminPanel::requestAudit);
}

bool AdminPanel::hasAction(const QString& action) const
{
    return !m_service.isEmpty() && m_client->action(m_service, action).has_value();
}

void AdminPanel::setService(const QString& service)
{
    if (service != m_service) {
        m_service = service;
        m_queue.clear(); // reads queued for the previous service are of no use now
        m_jobs.clear();
        m_jobTable->setRowCount(0);
        m_auditTable->setRowCount(0);
        m_schedulerState->setText(tr("unknown"));
        m_schedulerState->setProperty("running", QVariant());
        for (QLabel* value : std::as_const(m_cacheStats))
            value->setText(QStringLiteral("–"));
        m_message->hide();
    }
    reloadActions();
}

void AdminPanel::followSelection(const QString& service)
{
    QString next = m_service;
    if (m_client->hasService(service))
        next = service;
    else if (!m_client->hasService(m_service) && !m_client->services().isEmpty())
        next = m_client->services().constFirst();
    else if (m_service.isEmpty())
        next = service;
    if (next != m_service)
        setService(next);
}

void AdminPanel::reloadActions()
{
    m_title->setText(m_service.isEmpty() ? tr("Admin") : tr("Admin — %1").arg(m_service));
    {
        const QSignalBlocker block(m_picker);
        m_picker->clear();
        const QStringList services = m_client->services();
        for (const QString& s : services)
            m_picker->addItem(s, s);
        if (!m_client->hasService(m_service) && !m_service.isEmpty())
            m_picker->insertItem(0, tr("%1 (no admin actions)").arg(m_service), QString());
        m_picker->setCurrentIndex(qMax(0, m_picker->findData(m_client->hasService(m_service) ? m_service : QString())));
        m_picker->setVisible(!services.isEmpty());
    }
    // Choosers filled from the preset's allowed values, so the panel offers exactly what validation accepts.
    const auto fill = [this](QComboBox* box, const QString& action, const QString& param) {
        const QString before = box->currentData().toString();
        box->clear();
        if (const auto a = hasAction(action) ? m_client->action(m_service, action) : std::nullopt) {
            if (const AdminParam* p = a->param(param)) {
                for (const QString& value : p->allowed)
                    box->addItem(value, value);
            }
        }
        if (const int i = box->findData(before); i >= 0)
            box->setCurrentIndex(i);
    };
    fill(m_jobType, kTrigger, QStringLiteral("job_type"));
    fill(m_cacheType, kCacheClear, QStringLiteral("type"));
    rebuildCustomActions();
    updateVisibility();
    if (isVisible())
        refresh();
    else
        m_refreshWhenShown = true;
}

void AdminPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_refreshWhenShown) {
        m_refreshWhenShown = false;
        refresh();
    }
}

void AdminPanel::rebuildCustomActions()
{
    delete m_customForms;
    m_customInputs.clear();
    m_customForms = new QWidget(m_customGroup);
    auto* forms = new QVBoxLayout(m_customForms);
    forms->setContentsMargins(0, 0, 0, 0);
    m_customLayout->addWidget(m_customForms);
    if (m_service.isEmpty())
        return;
    const QList<AdminAction> actions = m_client->actions(m_service);
    for (const AdminAction& a : actions) {
        if (a.fromPreset)
            continue;
        auto* form = new QWidget(m_customForms);
        form->setObjectName(u"adminCustom_" + a.name);
        auto* row = new QHBoxLayout(form);
        row->setContentsMargins(0, 0, 0, 0);
        auto* label = new QLabel(a.name, form);
        label->setToolTip(QString::fromLatin1(a.method) + u' ' + a.path);
        row->addWidget(label);
        auto* params = new QFormLayout;
        QList<QWidget*> inputs;
        for (const AdminParam& p : a.params) {
            QWidget* input = nullptr;
            if (!p.allowed.isEmpty()) {
                auto* box = new QComboBox(form);
                if (!p.required)
                    box->addItem(QString(), QString());
                for (const QString& value : p.allowed)
                    box->addItem(value, value);
                input = box;
            } else {
                auto* edit = new QLineEdit(form);
                edit->setPlaceholderText(p.required ? tr("required") : tr("optional"));
                input = edit;
            }
            input->setObjectName(u"adminCustomParam_" + a.name + u'_' + p.name);
            input->setProperty("param", p.name);
            params->addRow(p.name, input);
            inputs += input;
        }
        row->addLayout(params, 1);
        auto* run = new QPushButton(a.confirm ? tr("Run…") : tr("Run"), form);
        run->setObjectName(u"adminCustomRun_" + a.name);
        row->addWidget(run);
        m_customInputs.insert(a.name, inputs);
        const QString name = a.name;
        connect(run, &QPushButton::clicked, this, [this, name] { requestAction(name, customParams(name)); });
        forms->addWidget(form);
    }
}

void AdminPanel::updateVisibility()
{
    const bool configured = !m_service.isEmpty() && m_client->hasService(m_service);
    const bool readOnly = m_client->isReadOnly();
    if (!configured) {
        m_notice->setText(m_service.isEmpty()
                ? tr("Select a service to see its admin actions.")
                : tr("%1 has no admin actions: the config has no admin: entry for it.").arg(m_service));
    } else if (readOnly) {
        m_notice->setText(tr("Read-only mode: admin actions are disabled (--read-only or admin: read_only: true)."));
    }
    m_notice->setVisible(!configured || readOnly);
    m_actionsArea->setVisible(configured && !readOnly);
    m_storePassword->setVisible(configured && m_client->usesStoredSecret(m_service));
    m_schedulerGroup->setVisible(hasAction(kStatus) || hasAction(kStart) || hasAction(kStop) || hasAction(kRestart));
    m_schedulerRefresh->setVisible(hasAction(kStatus));
    m_schedulerStart->setVisible(hasAction(kStart));
    m_schedulerStop->setVisible(hasAction(kStop));
    m_schedulerRestart->setVisible(hasAction(kRestart));
    m_triggerGroup->setVisible(hasAction(kTrigger));
    m_cacheGroup->setVisible(hasAction(kCacheStats) || hasAction(kCacheClear));
    m_cacheRefresh->setVisible(hasAction(kCacheStats));
    m_cacheClear->setVisible(hasAction(kCacheClear));
    m_telegramGroup->setVisible(hasAction(kTelegram));
    m_customGroup->setVisible(!m_customInputs.isEmpty());
    updateEnabled();
}

bool AdminPanel::isBusy() const
{
    if (m_service.isEmpty())
        return false;
    if (!m_queue.isEmpty() || m_client->isBusy(m_service))
        return true;
    for (const Pending& p : m_mine) {
        if (p.service == m_service)
            return true;
    }
    return false;
}

void AdminPanel::updateEnabled()
{
    const bool busy = isBusy();
    // One switch for every control: nothing can be sent while an answer is awaited.
    m_actionsArea->setEnabled(!busy);
    QString what;
    for (const Pending& p : m_mine) {
        if (p.service == m_service && !p.background)
            what = p.action;
    }
    m_inFlight->setText(what.isEmpty() ? tr("Waiting for %1…").arg(m_service)
                                       : tr("Waiting for %1 to answer %2…").arg(m_service, what));
    m_inFlight->setVisible(busy);
    if (busy != m_wasBusy) {
        m_wasBusy = busy;
        Q_EMIT busyChanged(busy);
    }
}

void AdminPanel::refresh()
{
    m_refreshWhenShown = false;
    requestAudit();
    if (m_service.isEmpty() || !m_client->hasService(m_service) || m_client->isReadOnly())
        return;
    for (const QString& read : { kStatus, kCacheStats }) {
        if (!hasAction(read))
            continue;
        const bool queued
            = std::any_of(m_queue.cbegin(), m_queue.cend(), [&](const Pending& p) { return p.action == read; });
        if (!queued)
            enqueue({ m_service, read, {}, false, true });
    }
}

bool AdminPanel::requestAction(const QString& action, const AdminParams& params)
{
    if (m_service.isEmpty() || isBusy())
        return false;
    const bool askable = !m_client->isReadOnly() && m_client->validate(m_service, action, params).isEmpty()
        && m_client->needsConfirmation(m_service, action);
    if (askable) {
        QString text = m_client->confirmationText(m_service, action, params);
        if (action == kTrigger) {
            // The backend's own name of the job, when the scheduler status gave one.
            const QString type = params.value(QStringLiteral("job_type"));
            for (const Job& job : std::as_const(m_jobs)) {
                if (job.jobType == type && !job.name.isEmpty())
                    text += u"\n\n" + tr("Job: %1 (%2)").arg(job.name, job.id);
            }
        }
        s_lastConfirmation = text;
        bool yes = false;
        if (s_nextConfirmation) {
            yes = *s_nextConfirmation;
            s_nextConfirmation.reset();
        } else {
            yes = QMessageBox::question(this, tr("Confirm admin action"), text, QMessageBox::Yes | QMessageBox::Cancel,
                      QMessageBox::Cancel)
                == QMessageBox::Yes;
        }
        if (!yes) {
            // Audited like any attempt; nothing is sent.
            const quint64 id = m_client->refuse(m_service, action, params,
                QStringLiteral("not confirmed: cancelled in the dashboard; nothing was sent"));
            m_mine.insert(id, { m_service, action, params, false, false });
            updateEnabled();
            return false;
        }
    }
    // An invalid or read-only call goes to the client too, which refuses it and writes the audit row.
    enqueue({ m_service, action, params, true, false });
    return true;
}

void AdminPanel::enqueue(const Pending& pending)
{
    m_queue.append(pending);
    runNext();
    updateEnabled();
}

void AdminPanel::runNext()
{
    if (m_queue.isEmpty() || m_client->isBusy(m_service))
        return;
    for (const Pending& p : std::as_const(m_mine)) {
        if (p.service == m_service)
            return; // one at a time, even for requests the client answers without sending
    }
    const Pending next = m_queue.takeFirst();
    const quint64 id = m_client->run(next.service, next.action, next.params,
        next.confirmed ? AdminConfirmation::Confirmed : AdminConfirmation::NotConfirmed);
    m_mine.insert(id, next);
    updateEnabled();
}

void AdminPanel::onFinished(const AdminResult& result)
{
    const auto it = m_mine.constFind(result.requestId);
    if (it == m_mine.cend())
        return; // another caller's request
    const Pending pending = *it;
    m_mine.erase(it);
    if (pending.service == m_service) {
        if (result.ok() && result.response.isObject()) {
            const QJsonObject data = result.response.toObject().value(u"data").toObject();
            if (result.action == kStatus || data.contains(u"jobs"))
                applySchedulerStatus(data);
            if (result.action == kCacheStats)
                applyCacheStats(data);
        }
        if (!pending.background || !result.ok())
            showResult(result);
        // What the action changed is read back, also after an unknown outcome: that is the check to make.
        if (result.sent) {
            if ((result.action == kStart || result.action == kStop || result.action == kRestart
                    || result.action == kTrigger)
                && hasAction(kStatus))
                m_queue.append({ m_service, kStatus, {}, false, true });
            if (result.action == kCacheClear && hasAction(kCacheStats))
                m_queue.append({ m_service, kCacheStats, {}, false, true });
        }
        requestAudit();
        Q_EMIT actionFinished(result);
    }
    runNext();
    updateEnabled();
}

void AdminPanel::showResult(const AdminResult& result)
{
    QString text = result.action + u": " + result.message;
    if (result.outcome == AdminOutcome::AuthFailed && m_client->usesStoredSecret(m_service))
        text += u"\n" + tr("Store the password with “Store password in keychain…”.");
    showMessage(text, adminOutcomeName(result.outcome));
}

void AdminPanel::showMessage(const QString& text, const QString& outcome)
{
    m_message->setText(text);
    m_message->setProperty("outcome", outcome);
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, outcomeColor(outcome));
    m_message->setPalette(palette);
    m_message->show();
}

void AdminPanel::applySchedulerStatus(const QJsonObject& data)
{
    const QJsonValue running = data.value(u"running");
    const QString state = data.value(u"state").toString();
    const bool isRunning = running.isBool() ? running.toBool() : state == u"running";
    m_schedulerState->setText(isRunning ? tr("Scheduler: running") : tr("Scheduler: stopped"));
    m_schedulerState->setProperty("running", isRunning);
    m_jobs.clear();
    const QJsonArray jobs = data.value(u"jobs").toArray();
    for (const QJsonValue& v : jobs) {
        const QJsonObject o = v.toObject();
        Job job;
        job.id = o.value(u"id").toString();
        job.name = o.value(u"name").toString();
        job.jobType = o.value(u"job_type").toString();
        job.trigger = o.value(u"trigger").toString();
        job.nextRun = QDateTime::fromString(o.value(u"next_run_time").toString(), Qt::ISODateWithMs);
        m_jobs += job;
    }
    m_jobTable->setRowCount(int(m_jobs.size()));
    for (int row = 0; row < m_jobs.size(); ++row) {
        const Job& job = m_jobs.at(row);
        m_jobTable->setItem(row, JobId, readOnlyItem(job.id));
        m_jobTable->setItem(row, JobName, readOnlyItem(job.name));
        m_jobTable->setItem(row, JobTrigger, readOnlyItem(job.trigger));
        m_jobTable->setItem(row, JobNextRun,
            readOnlyItem(job.nextRun.isValid()
                    ? job.nextRun.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                    : tr("not scheduled")));
        m_jobTable->setItem(row, JobIn, readOnlyItem(QString()));
    }
    m_jobTable->resizeColumnsToContents();
    // The countdown column is empty until the first tick: give it room for its longest text.
    m_jobTable->setColumnWidth(
        JobIn, m_jobTable->fontMetrics().horizontalAdvance(countdownText(86'399'000LL * 9)) + 24);
    // The job chooser names each job as the backend does.
    for (int i = 0; i < m_jobType->count(); ++i) {
        const QString type = m_jobType->itemData(i).toString();
        QString text = type;
        for (const Job& job : std::as_const(m_jobs)) {
            if (job.jobType == type && !job.name.isEmpty())
                text = type + u" — " + job.name;
        }
        m_jobType->setItemText(i, text);
    }
    tickCountdown();
    if (m_jobs.isEmpty())
        m_countdown.stop();
    else
        m_countdown.start();
}

void AdminPanel::tickCountdown()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int row = 0; row < m_jobs.size() && row < m_jobTable->rowCount(); ++row) {
        const Job& job = m_jobs.at(row);
        const QString text = job.nextRun.isValid() ? countdownText(now.msecsTo(job.nextRun)) : QStringLiteral("—");
        if (QTableWidgetItem* item = m_jobTable->item(row, JobIn); item && item->text() != text)
            item->setText(text);
    }
}

void AdminPanel::applyCacheStats(const QJsonObject& data)
{
    for (auto it = m_cacheStats.begin(); it != m_cacheStats.end(); ++it) {
        const QJsonValue v = data.value(it.key());
        QString text;
        if (v.isObject()) {
            // {"price": 12, "exchange": 6} -> "price 12, exchange 6"
            QStringList parts;
            const QJsonObject o = v.toObject();
            for (auto p = o.begin(); p != o.end(); ++p)
                parts += p.key() + u' ' + p.value().toVariant().toString();
            text = parts.join(QStringLiteral(", "));
        } else if (it.key() == u"ttl" && v.isDouble()) {
            text = tr("%1 s").arg(v.toVariant().toString());
        } else if (!v.isUndefined() && !v.isNull()) {
            text = v.toVariant().toString();
        }
        it.value()->setText(text.isEmpty() ? QStringLiteral("–") : text);
    }
    // Exchanges the backend knows become suggestions for the clear form.
    const QJsonObject byExchange = data.value(u"by_exchange").toObject();
    if (!byExchange.isEmpty()) {
        const QString typed = m_cacheExchange->currentText();
        m_cacheExchange->clear();
        m_cacheExchange->addItem(QString());
        m_cacheExchange->addItems(byExchange.keys());
        m_cacheExchange->setCurrentText(typed);
    }
}

AdminParams AdminPanel::cacheClearParams() const
{
    AdminParams params { { QStringLiteral("type"), m_cacheType->currentData().toString() } };
    if (const QString e = m_cacheExchange->currentText().trimmed(); !e.isEmpty())
        params.insert(QStringLiteral("exchange"), e);
    if (const QString m = m_cacheMarketType->currentText().trimmed(); !m.isEmpty())
        params.insert(QStringLiteral("market_type"), m);
    return params;
}

AdminParams AdminPanel::customParams(const QString& action) const
{
    AdminParams params;
    const QList<QWidget*> inputs = m_customInputs.value(action);
    for (QWidget* input : inputs) {
        QString value;
        if (auto* box = qobject_cast<QComboBox*>(input))
            value = box->currentData().toString();
        else if (auto* edit = qobject_cast<QLineEdit*>(input))
            value = edit->text().trimmed();
        if (!value.isEmpty())
            params.insert(input->property("param").toString(), value);
    }
    return params;
}

void AdminPanel::requestAudit()
{
    if (!m_store || m_service.isEmpty())
        return;
    AuditQuery query;
    query.service = m_service;
    query.limit = 200;
    m_auditRequest = m_store->requestAudit(query);
}

void AdminPanel::onAuditReady(quint64 requestId, const QList<AuditEntry>& entries)
{
    if (requestId != m_auditRequest)
        return; // superseded by a later read, or another view's
    m_auditTable->setRowCount(int(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const AuditEntry& e = entries.at(row);
        const QString time = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        m_auditTable->setItem(row, AuditTime, readOnlyItem(time));
        m_auditTable->setItem(row, AuditUser, readOnlyItem(e.osUser));
        m_auditTable->setItem(row, AuditAction, readOnlyItem(e.action));
        m_auditTable->setItem(row, AuditParams,
            readOnlyItem(e.params.isEmpty()
                    ? QString()
                    : QString::fromUtf8(QJsonDocument(e.params).toJson(QJsonDocument::Compact))));
        m_auditTable->setItem(
            row, AuditHttp, readOnlyItem(e.httpStatus > 0 ? QString::number(e.httpStatus) : QString()));
        auto* result = readOnlyItem(e.result);
        result->setForeground(outcomeColor(e.result));
        m_auditTable->setItem(row, AuditResult, result);
        m_auditTable->setItem(row, AuditMessage, readOnlyItem(e.message));
    }
    m_auditTable->resizeColumnsToContents();
    Q_EMIT auditLoaded(int(entries.size()));
}

void AdminPanel::askForPassword()
{
    if (m_service.isEmpty())
        return;
    std::optional<QString> password;
    if (s_nextPassword) {
        password = s_nextPassword;
        s_nextPassword.reset();
    } else {
        bool ok = false;
        const QString text = QInputDialog::getText(this, tr("Store password"),
            tr("Password for %1 (kept in the system keychain, never in the config file):").arg(m_service),
            QLineEdit::Password, QString(), &ok);
        if (ok)
            password = text;
    }
    if (password && !password->isEmpty())
        m_client->storeSecret(m_service, *password);
}

} // namespace hd
