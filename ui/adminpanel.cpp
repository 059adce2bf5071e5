#include "adminpanel.h"

#include "adminviews.h"
#include "prompts.h"
#include "store/historystore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace hd {

using namespace TradingPreset;

AdminPanel::AdminPanel(AdminService* client, HistoryStore* store, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_store(store)
{
    setObjectName(QStringLiteral("adminPanel"));
    buildUi();
    connect(m_client, &AdminService::finished, this, &AdminPanel::onFinished);
    connect(m_client, &AdminService::busyChanged, this, [this](const QString& service, bool busy) {
        if (service != m_service)
            return;
        updateEnabled();
        if (!busy) // another caller's request on the service may have held up the queue
            QMetaObject::invokeMethod(this, &AdminPanel::runNext, Qt::QueuedConnection);
    });
    connect(m_client, &AdminService::secretStored, this, [this](const QString& service, bool ok, const QString& error) {
        if (service != m_service)
            return;
        showMessage(ok ? tr("The password of %1 is stored in %2.").arg(service, m_client->secretStoreName())
                       : tr("Could not store the password of %1: %2").arg(service, error),
            ok ? QStringLiteral("success") : QStringLiteral("failure"));
        if (ok)
            refresh();
    });
    updateVisibility();
}

AdminPanel::~AdminPanel() = default;

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
    m_jobTable = new SchedulerJobTable(m_schedulerGroup);
    scheduler->addWidget(m_jobTable);
    actions->addWidget(m_schedulerGroup);
    connect(m_schedulerRefresh, &QPushButton::clicked, this, [this] { requestAction(kSchedulerStatus, {}); });
    connect(m_schedulerStart, &QPushButton::clicked, this, [this] { requestAction(kSchedulerStart, {}); });
    connect(m_schedulerStop, &QPushButton::clicked, this, [this] { requestAction(kSchedulerStop, {}); });
    connect(m_schedulerRestart, &QPushButton::clicked, this, [this] { requestAction(kSchedulerRestart, {}); });

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
        requestAction(kTriggerJob, { { kJobTypeParam, m_jobType->currentData().toString() } });
    });

    // Cache.
    m_cacheGroup = new QGroupBox(tr("Cache"), m_actionsArea);
    m_cacheGroup->setObjectName(QStringLiteral("adminCacheGroup"));
    auto* cache = new QVBoxLayout(m_cacheGroup);
    auto* stats = new QGridLayout;
    int row = 0;
    for (const auto& [key, label] : cacheStatFields()) {
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
    m_cacheMarketType->addItem(QString());
    m_cacheMarketType->addItems(marketTypes());
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
    connect(m_testTelegram, &QPushButton::clicked, this, [this] { requestAction(kTestTelegram, {}); });

    // The config's own actions.
    m_customGroup = new QGroupBox(tr("More actions"), m_actionsArea);
    m_customGroup->setObjectName(QStringLiteral("adminCustomGroup"));
    m_customLayout = new QVBoxLayout(m_customGroup);
    actions->addWidget(m_customGroup);

    m_audit = new AdminAuditLog(m_store, content);
    contentLayout->addWidget(m_audit, 1);
    connect(m_audit, &AdminAuditLog::loaded, this, &AdminPanel::auditLoaded);
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
        m_scheduler = {};
        m_jobTable->clearJobs();
        m_audit->setService(service);
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
    fill(m_jobType, kTriggerJob, kJobTypeParam);
    fill(m_cacheType, kCacheClear, kCacheTypeParam);
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
    m_schedulerGroup->setVisible(hasAction(kSchedulerStatus) || hasAction(kSchedulerStart) || hasAction(kSchedulerStop)
        || hasAction(kSchedulerRestart));
    m_schedulerRefresh->setVisible(hasAction(kSchedulerStatus));
    m_schedulerStart->setVisible(hasAction(kSchedulerStart));
    m_schedulerStop->setVisible(hasAction(kSchedulerStop));
    m_schedulerRestart->setVisible(hasAction(kSchedulerRestart));
    m_triggerGroup->setVisible(hasAction(kTriggerJob));
    m_cacheGroup->setVisible(hasAction(kCacheStats) || hasAction(kCacheClear));
    m_cacheRefresh->setVisible(hasAction(kCacheStats));
    m_cacheClear->setVisible(hasAction(kCacheClear));
    m_telegramGroup->setVisible(hasAction(kTestTelegram));
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
    m_audit->reload();
    if (m_service.isEmpty() || !m_client->hasService(m_service) || m_client->isReadOnly())
        return;
    for (const QString& read : { kSchedulerStatus, kCacheStats }) {
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
        if (action == kTriggerJob) {
            // The backend's own name of the job, when the scheduler status gave one.
            for (const SchedulerJob& job : m_scheduler.jobsOfType(params.value(kJobTypeParam))) {
                if (!job.name.isEmpty())
                    text += u"\n\n" + tr("Job: %1 (%2)").arg(job.name, job.id);
            }
        }
        const bool yes = Prompts::confirm(this, tr("Confirm admin action"), text);
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
        if (const auto status = parseSchedulerStatus(result))
            applySchedulerStatus(*status);
        if (const auto stats = parseCacheStats(result))
            applyCacheStats(*stats);
        if (!pending.background || !result.ok())
            showResult(result);
        // What the action changed is read back, also after an unknown outcome: that is the check to make.
        if (const QString readBack = readBackAction(result.action);
            result.sent && !readBack.isEmpty() && hasAction(readBack))
            m_queue.append({ m_service, readBack, {}, false, true });
        m_audit->reload();
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
    palette.setColor(QPalette::WindowText, adminOutcomeColor(outcome));
    m_message->setPalette(palette);
    m_message->show();
}

void AdminPanel::applySchedulerStatus(const SchedulerStatus& status)
{
    m_schedulerState->setText(status.running ? tr("Scheduler: running") : tr("Scheduler: stopped"));
    m_schedulerState->setProperty("running", status.running);
    m_scheduler = status;
    m_jobTable->setJobs(status.jobs);
    // The job chooser names each job as the backend does.
    for (int i = 0; i < m_jobType->count(); ++i) {
        const QString type = m_jobType->itemData(i).toString();
        const QString name = status.jobName(type);
        m_jobType->setItemText(i, name.isEmpty() ? type : type + u" — " + name);
    }
}

void AdminPanel::applyCacheStats(const CacheStats& stats)
{
    for (auto it = m_cacheStats.begin(); it != m_cacheStats.end(); ++it) {
        const QString text = stats.text(it.key());
        it.value()->setText(text.isEmpty() ? QStringLiteral("–") : text);
    }
    // Exchanges the backend knows become suggestions for the clear form.
    if (!stats.exchanges.isEmpty()) {
        const QString typed = m_cacheExchange->currentText();
        m_cacheExchange->clear();
        m_cacheExchange->addItem(QString());
        m_cacheExchange->addItems(stats.exchanges);
        m_cacheExchange->setCurrentText(typed);
    }
}

AdminParams AdminPanel::cacheClearParams() const
{
    return TradingPreset::cacheClearParams(
        m_cacheType->currentData().toString(), m_cacheExchange->currentText(), m_cacheMarketType->currentText());
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

void AdminPanel::askForPassword()
{
    if (m_service.isEmpty())
        return;
    const std::optional<QString> password = Prompts::password(this, tr("Store password"),
        tr("Password for %1 (kept in the system keychain, never in the config file):").arg(m_service));
    if (password && !password->isEmpty())
        m_client->storeSecret(m_service, *password);
}

} // namespace hd
