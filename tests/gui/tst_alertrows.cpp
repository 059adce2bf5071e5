// Alert rows in the real main window, offscreen, against a real Alertmanager (Debian's prometheus-alertmanager
// 0.25): the "Alertmanager" badge, the detail pane's alert section with the generator link, the acknowledge
// button that takes an acknowledgement back, and --read-only, which writes no silence.
#include "dashboardfixture.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"
#include "runtime/monitorruntime.h"
#include "store/historystore.h"
#include "support/alertmanagerserver.h"
#include "ui/mainwindow.h"
#include "ui/prompts.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <memory>

using namespace hd;

namespace {

const QString kAlertKey = QStringLiteral("trading-api/OrdersStuck/10.0.0.1:8080");
const QString kOwnKey = QStringLiteral("database/ping");

QJsonObject ordersStuck()
{
    const QJsonObject labels { { QStringLiteral("alertname"), QStringLiteral("OrdersStuck") },
        { QStringLiteral("service"), QStringLiteral("trading-api") },
        { QStringLiteral("instance"), QStringLiteral("10.0.0.1:8080") },
        { QStringLiteral("severity"), QStringLiteral("critical") } };
    return QJsonObject { { QStringLiteral("labels"), labels },
        { QStringLiteral("annotations"),
            QJsonObject { { QStringLiteral("summary"), QStringLiteral("orders stuck for 5 minutes") } } },
        { QStringLiteral("generatorURL"), QStringLiteral("http://127.0.0.1:9090/graph?g0.expr=orders_stuck") } };
}

QString alertState(const hdtest::AlertmanagerServer& am)
{
    const QJsonArray alerts = am.alerts(QStringLiteral("OrdersStuck"));
    return alerts.isEmpty() ? QString()
                            : alerts.first()
                                  .toObject()
                                  .value(QStringLiteral("status"))
                                  .toObject()
                                  .value(QStringLiteral("state"))
                                  .toString();
}

} // namespace

class TestAlertRows : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("healthdeck-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_alertrows"));
        QVERIFY2(m_am.start(), qPrintable(m_am.error()));
        QVERIFY(m_am.post({ ordersStuck() }));

        const QString path = m_dir.filePath(QStringLiteral("healthdeck.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("defaults: { interval: 250ms, timeout: 1s, failure_threshold: 1, success_threshold: 1 }\n"
                   "services:\n"
                   "  - name: database\n"
                   "    checks: [{ name: ping, tcp: { host: 127.0.0.1, port: 1 } }]\n"
                   "sources:\n"
                   "  - alertmanager:\n"
                   "      name: am\n"
                   "      url: \""
            + m_am.url().toUtf8()
            + "\"\n"
              "      interval: 500ms\n");
        file.close();

        m_runtime = hdtest::startDashboardRuntime(m_dir.filePath(QStringLiteral("history.sqlite")));
        QVERIFY(m_runtime);
        m_store = m_runtime->store();
        m_window = std::make_unique<MainWindow>(m_runtime.get(), m_store);
        m_window->setConfigPath(path);
        m_runtime->watchConfig(path);
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->matrixModel()->rowState(kAlertKey).has_value(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->matrixModel()->rowState(kOwnKey)->status, Status::Down, 15'000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_runtime.reset();
    }

    void alertRowsCarryTheAlertmanagerBadge()
    {
        const MatrixModel* model = m_window->matrixModel();
        QCOMPARE(model->indexOfKey(kAlertKey).data(SourceRole).toString(), QStringLiteral("Alertmanager"));
        QVERIFY(model->indexOfKey(kOwnKey).data(SourceRole).toString().isEmpty());
        QVERIFY(model->indexOfKey(QStringLiteral("am/api")).data(SourceRole).toString().isEmpty());
        QVERIFY(model->indexOfKey(kAlertKey)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Alertmanager source am")));
    }

    void detailLinksTheGenerator()
    {
        QVERIFY(m_window->selectKey(kAlertKey));
        auto* text = m_window->findChild<QTextBrowser*>(QStringLiteral("detailText"));
        QVERIFY(text);
        QTRY_VERIFY(
            text->toHtml().contains(QStringLiteral("href=\"http://127.0.0.1:9090/graph?g0.expr=orders_stuck\"")));
        const QString plain = text->toPlainText();
        QVERIFY2(plain.contains(QStringLiteral("Firing since")), qPrintable(plain));
        QVERIFY(plain.contains(QStringLiteral("orders stuck for 5 minutes")));
        QVERIFY(plain.contains(QStringLiteral("alertname=OrdersStuck")));
    }

    void ownAcknowledgementIsTakenBackWithTheSameButton()
    {
        auto* button = m_window->findChild<QPushButton*>(QStringLiteral("ackButton"));
        QVERIFY(m_window->selectKey(kOwnKey));
        QCOMPARE(button->text(), QStringLiteral("Acknowledge\u2026"));
        Prompts::setNextAcknowledge(AckAnswer { QStringLiteral("looking"), 0 });
        QTest::keyClick(m_window->matrixView(), Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->matrixModel()->rowState(kOwnKey)->acknowledged, 10'000);
        QTRY_COMPARE(button->text(), QStringLiteral("Remove acknowledgement"));
        QTest::keyClick(m_window->matrixView(), Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->matrixModel()->rowState(kOwnKey)->acknowledged, 10'000);
        QTRY_COMPARE(button->text(), QStringLiteral("Acknowledge\u2026"));
    }

    void readOnlyWritesNoSilence()
    {
        auto* button = m_window->findChild<QPushButton*>(QStringLiteral("ackButton"));
        m_window->setReadOnly(true);
        QVERIFY(m_window->selectKey(kAlertKey));
        QVERIFY(!button->isEnabled());
        // The shortcut is refused too, before any dialog: the answer set here stays unused.
        Prompts::setNextAcknowledge(AckAnswer { QStringLiteral("must not be sent"), 0 });
        QTest::keyClick(m_window->matrixView(), Qt::Key_K, Qt::ControlModifier);
        QTest::qWait(1500);
        QVERIFY(m_am.silences().isEmpty());
        QCOMPARE(alertState(m_am), QStringLiteral("active"));
        // The runtime refuses on its own as well, and audits the refusal.
        QSignalSpy answers(m_runtime.get(), &MonitorRuntime::acknowledged);
        Acknowledgement ack;
        ack.checkKey = kAlertKey;
        ack.author = QStringLiteral("desk");
        ack.created = QDateTime::currentDateTimeUtc();
        m_runtime->acknowledge(ack);
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 5'000);
        QVERIFY(!answers.first().at(1).toBool());
        AuditQuery query;
        QTRY_COMPARE(m_store->audit(query).size(), 1);
        QCOMPARE(m_store->audit(query).first().result, QStringLiteral("refused"));
        QVERIFY(m_am.silences().isEmpty());
        // Own checks can still be taken: read-only only keeps healthdeck from writing to other systems.
        QVERIFY(m_window->selectKey(kOwnKey));
        QVERIFY(button->isEnabled());
        Prompts::setNextAcknowledge(std::nullopt);
        Prompts::acknowledge(nullptr, QString());
    }

    void acknowledgingAnAlertSilencesItAndTheButtonExpiresIt()
    {
        auto* button = m_window->findChild<QPushButton*>(QStringLiteral("ackButton"));
        m_window->setReadOnly(false);
        QVERIFY(m_window->selectKey(kAlertKey));
        QVERIFY(button->isEnabled());
        Prompts::setNextAcknowledge(AckAnswer { QStringLiteral("on it"), 3'600'000 });
        QTest::keyClick(m_window->matrixView(), Qt::Key_K, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(alertState(m_am), QStringLiteral("suppressed"), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->matrixModel()->rowState(kAlertKey)->silenced, 10'000);
        QTRY_COMPARE(button->text(), QStringLiteral("Remove acknowledgement"));
        QTest::keyClick(m_window->matrixView(), Qt::Key_K, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(alertState(m_am), QStringLiteral("active"), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->matrixModel()->rowState(kAlertKey)->silenced, 10'000);
        // Both writes and the refused one are in the audit log.
        AuditQuery query;
        QTRY_COMPARE(m_store->audit(query).size(), 3);
    }

private:
    QTemporaryDir m_dir;
    hdtest::AlertmanagerServer m_am;
    HistoryStore* m_store = nullptr; // the runtime's
    std::unique_ptr<MonitorRuntime> m_runtime;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestAlertRows)
#include "tst_alertrows.moc"
