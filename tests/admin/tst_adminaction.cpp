// The trading-system preset, custom actions, parameter validation and confirmation texts.
#include "admin/adminaction.h"
#include "config/configloader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hd;

class TestAdminAction : public QObject {
    Q_OBJECT
private slots:
    void presetMatchesSpec_data();
    void presetMatchesSpec();
    void unknownPresetHasNoActions();
    void validation_data();
    void validation();
    void customActionsFromConfig();
    void customActionReplacesPresetOne();
    void optionalPlaceholdersAreLeftOut();
    void pathPlaceholdersArePercentEncoded();
    void confirmationText_data();
    void confirmationText();
    void usageListsParameters();

private:
    static AdminAction find(const QList<AdminAction>& actions, const QString& name);
    static AdminServiceConfig loadAdmin(const QByteArray& yaml);
};

AdminAction TestAdminAction::find(const QList<AdminAction>& actions, const QString& name)
{
    for (const AdminAction& a : actions) {
        if (a.name == name)
            return a;
    }
    return {};
}

AdminServiceConfig TestAdminAction::loadAdmin(const QByteArray& yaml)
{
    const ConfigLoadResult r = loadConfigString(yaml, QStringLiteral("admin.yaml"), QProcessEnvironment());
    if (!r.ok()) {
        qWarning().noquote() << r.errorText();
        return {};
    }
    return r.config->admin.value(QStringLiteral("trading-api"));
}

void TestAdminAction::presetMatchesSpec_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("params"); // key=value
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body"); // compact JSON, keys sorted as QJsonDocument writes them
    QTest::addColumn<bool>("confirm");

    QTest::newRow("scheduler-status") << "scheduler-status" << QStringList() << QByteArray("GET")
                                      << "/api/system/scheduler-status" << QByteArray() << false;
    QTest::newRow("scheduler-start") << "scheduler-start" << QStringList() << QByteArray("POST")
                                     << "/api/system/scheduler-control" << QByteArray(R"({"action":"start"})") << false;
    QTest::newRow("scheduler-stop") << "scheduler-stop" << QStringList() << QByteArray("POST")
                                    << "/api/system/scheduler-control" << QByteArray(R"({"action":"stop"})") << true;
    QTest::newRow("scheduler-restart") << "scheduler-restart" << QStringList() << QByteArray("POST")
                                       << "/api/system/scheduler-control" << QByteArray(R"({"action":"restart"})")
                                       << true;
    QTest::newRow("trigger-job") << "trigger-job" << QStringList { QStringLiteral("job_type=calculate_pnl") }
                                 << QByteArray("POST") << "/api/system/trigger-job"
                                 << QByteArray(R"({"job_type":"calculate_pnl"})") << true;
    QTest::newRow("cache-stats") << "cache-stats" << QStringList() << QByteArray("GET") << "/api/system/cache-stats"
                                 << QByteArray() << false;
    QTest::newRow("cache-clear all") << "cache-clear" << QStringList { QStringLiteral("type=all") }
                                     << QByteArray("POST") << "/api/system/cache-clear"
                                     << QByteArray(R"({"type":"all"})") << true;
    QTest::newRow("cache-clear price of one market")
        << "cache-clear"
        << QStringList { QStringLiteral("type=price"), QStringLiteral("exchange=binance"),
               QStringLiteral("market_type=futures") }
        << QByteArray("POST") << "/api/system/cache-clear"
        << QByteArray(R"({"exchange":"binance","market_type":"futures","type":"price"})") << true;
    QTest::newRow("test-telegram") << "test-telegram" << QStringList() << QByteArray("POST")
                                   << "/api/system/test-telegram" << QByteArray() << false;
}

void TestAdminAction::presetMatchesSpec()
{
    QFETCH(QString, action);
    QFETCH(QStringList, params);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, confirm);

    const QList<AdminAction> preset = adminPresetActions(QStringLiteral("trading-system"));
    QCOMPARE(preset.size(), 8);
    const AdminAction a = find(preset, action);
    QCOMPARE(a.name, action);
    QVERIFY(a.fromPreset);
    QCOMPARE(a.confirm, confirm);
    AdminParams given;
    for (const QString& p : std::as_const(params))
        given.insert(p.section(u'=', 0, 0), p.section(u'=', 1));
    QCOMPARE(validateAdminParams(a, given), QString());
    const AdminRequest r = buildAdminRequest(a, given);
    QCOMPARE(r.method, method);
    QCOMPARE(r.path, path);
    QCOMPARE(r.body, body);
}

void TestAdminAction::unknownPresetHasNoActions()
{
    QVERIFY(adminPresetActions(QStringLiteral("spring-boot")).isEmpty());
    QVERIFY(adminPresetActions(QString()).isEmpty());
}

void TestAdminAction::validation_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("params");
    QTest::addColumn<QStringList>("mentions"); // empty: valid

    const QStringList jobs { QStringLiteral("update_orders"), QStringLiteral("calculate_pnl"),
        QStringLiteral("daily_summary"), QStringLiteral("calculate_performance") };
    QTest::newRow("every job type is valid")
        << "trigger-job" << QStringList { QStringLiteral("job_type=daily_summary") } << QStringList();
    QTest::newRow("job_type missing") << "trigger-job" << QStringList()
                                      << (QStringList { QStringLiteral("needs job_type=") } + jobs);
    QTest::newRow("job_type empty") << "trigger-job" << QStringList { QStringLiteral("job_type=") }
                                    << QStringList { QStringLiteral("needs job_type=") };
    QTest::newRow("job_type unknown") << "trigger-job" << QStringList { QStringLiteral("job_type=rebalance") }
                                      << (QStringList { QStringLiteral("'rebalance' is not valid") } + jobs);
    QTest::newRow("job_type in the wrong case")
        << "trigger-job" << QStringList { QStringLiteral("job_type=CALCULATE_PNL") }
        << QStringList { QStringLiteral("not valid") };
    QTest::newRow("cache type unknown") << "cache-clear" << QStringList { QStringLiteral("type=redis") }
                                        << QStringList { QStringLiteral("'redis'"),
                                               QStringLiteral("price, exchange, all") };
    QTest::newRow("cache type missing") << "cache-clear" << QStringList { QStringLiteral("exchange=binance") }
                                        << QStringList { QStringLiteral("needs type=price|exchange|all") };
    QTest::newRow("cache-clear with every parameter")
        << "cache-clear"
        << QStringList { QStringLiteral("type=exchange"), QStringLiteral("exchange=upbit"),
               QStringLiteral("market_type=spot") }
        << QStringList();
    QTest::newRow("unknown parameter") << "cache-clear"
                                       << QStringList { QStringLiteral("type=all"), QStringLiteral("region=eu") }
                                       << QStringList { QStringLiteral("unknown parameter 'region'"),
                                              QStringLiteral("[exchange=EXCHANGE]") };
    QTest::newRow("parameter for an action without any")
        << "scheduler-stop" << QStringList { QStringLiteral("force=true") }
        << QStringList { QStringLiteral("takes no parameters") };
}

void TestAdminAction::validation()
{
    QFETCH(QString, action);
    QFETCH(QStringList, params);
    QFETCH(QStringList, mentions);
    const AdminAction a = find(adminPresetActions(QStringLiteral("trading-system")), action);
    AdminParams given;
    for (const QString& p : std::as_const(params))
        given.insert(p.section(u'=', 0, 0), p.section(u'=', 1));
    const QString problem = validateAdminParams(a, given);
    if (mentions.isEmpty()) {
        QCOMPARE(problem, QString());
        return;
    }
    QVERIFY(!problem.isEmpty());
    for (const QString& m : std::as_const(mentions))
        QVERIFY2(problem.contains(m), qPrintable(problem + u" lacks " + m));
}

void TestAdminAction::customActionsFromConfig()
{
    const AdminServiceConfig svc
        = loadAdmin("version: 1\n"
                    "admin:\n"
                    "  trading-api:\n"
                    "    base_url: http://127.0.0.1:5001\n"
                    "    preset: trading-system\n"
                    "    actions:\n"
                    "      - { name: exchange-metadata, method: GET, path: /api/system/exchange-metadata }\n"
                    "      - { name: purge-orders, method: POST, path: /api/orders/purge, body: { older_than: "
                    "\"{days}\" }, confirm: true }\n"
                    "      - name: rebuild\n"
                    "        method: post\n"
                    "        path: /api/index/{index}/rebuild\n"
                    "        body: { mode: \"{mode}\", note: \"by {user}\" }\n"
                    "        params: { mode: [full, partial] }\n"
                    "        required: [index, mode]\n");
    const QList<AdminAction> actions = adminActionsFor(svc);
    QCOMPARE(actions.size(), 11); // 8 preset + 3
    QCOMPARE(actions.at(7).name, QStringLiteral("test-telegram"));

    const AdminAction meta = find(actions, QStringLiteral("exchange-metadata"));
    QVERIFY(!meta.fromPreset);
    QVERIFY(!meta.confirm);
    QVERIFY(meta.params.isEmpty());
    QCOMPARE(buildAdminRequest(meta, {}).method, QByteArray("GET"));
    QCOMPARE(buildAdminRequest(meta, {}).body, QByteArray());

    const AdminAction purge = find(actions, QStringLiteral("purge-orders"));
    QVERIFY(purge.confirm);
    QCOMPARE(purge.paramNames(), QStringList { QStringLiteral("days") });
    QVERIFY(purge.params.first().required); // a placeholder is required unless `required:` says otherwise
    QVERIFY(validateAdminParams(purge, {}).contains(u"needs days=DAYS"));
    const AdminRequest r = buildAdminRequest(purge, { { QStringLiteral("days"), QStringLiteral("30") } });
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QStringLiteral("/api/orders/purge"));
    QCOMPARE(r.body, QByteArray(R"({"older_than":"30"})"));

    const AdminAction rebuild = find(actions, QStringLiteral("rebuild"));
    QCOMPARE(rebuild.method, QByteArray("POST"));
    QCOMPARE(rebuild.paramNames(),
        (QStringList { QStringLiteral("index"), QStringLiteral("mode"), QStringLiteral("user") }));
    QVERIFY(!rebuild.param(QStringLiteral("user"))->required);
    QCOMPARE(rebuild.param(QStringLiteral("mode"))->allowed,
        (QStringList { QStringLiteral("full"), QStringLiteral("partial") }));
    QVERIFY(validateAdminParams(rebuild,
        { { QStringLiteral("index"), QStringLiteral("orders") }, { QStringLiteral("mode"), QStringLiteral("quick") } })
                .contains(u"valid values: full, partial"));
    const AdminParams ok { { QStringLiteral("index"), QStringLiteral("orders") },
        { QStringLiteral("mode"), QStringLiteral("full") }, { QStringLiteral("user"), QStringLiteral("kim 김") } };
    QCOMPARE(validateAdminParams(rebuild, ok), QString());
    const AdminRequest rb = buildAdminRequest(rebuild, ok);
    QCOMPARE(rb.path, QStringLiteral("/api/index/orders/rebuild"));
    QCOMPARE(QJsonDocument::fromJson(rb.body).object(),
        (QJsonObject { { QStringLiteral("mode"), QStringLiteral("full") },
            { QStringLiteral("note"), QStringLiteral("by kim 김") } }));
}

void TestAdminAction::customActionReplacesPresetOne()
{
    const AdminServiceConfig svc
        = loadAdmin("version: 1\n"
                    "admin:\n"
                    "  trading-api:\n"
                    "    base_url: http://127.0.0.1:5001\n"
                    "    preset: trading-system\n"
                    "    actions:\n"
                    "      - { name: test-telegram, method: POST, path: /api/notify/test, confirm: true }\n");
    const QList<AdminAction> actions = adminActionsFor(svc);
    QCOMPARE(actions.size(), 8);
    const AdminAction t = find(actions, QStringLiteral("test-telegram"));
    QVERIFY(!t.fromPreset);
    QVERIFY(t.confirm);
    QCOMPARE(t.path, QStringLiteral("/api/notify/test"));
}

void TestAdminAction::optionalPlaceholdersAreLeftOut()
{
    AdminAction a;
    a.name = QStringLiteral("x");
    a.method = "POST";
    a.path = QStringLiteral("/x");
    a.body = QJsonDocument::fromJson(
        R"({"a":"{a}","b":"{b}","list":["{b}","{a}"],"text":"[{b}]","n":5,"nested":{"c":"{b}"}})")
                 .object();
    a.params = { { QStringLiteral("a"), {}, true }, { QStringLiteral("b"), {}, false } };
    const AdminRequest r = buildAdminRequest(a, { { QStringLiteral("a"), QStringLiteral("1") } });
    QCOMPARE(QJsonDocument::fromJson(r.body).object(),
        QJsonDocument::fromJson(R"({"a":"1","list":[null,"1"],"text":"[]","n":5,"nested":{}})").object());
    // An empty value counts as not given.
    const AdminRequest empty
        = buildAdminRequest(a, { { QStringLiteral("a"), QStringLiteral("1") }, { QStringLiteral("b"), QString() } });
    QCOMPARE(empty.body, r.body);
}

void TestAdminAction::pathPlaceholdersArePercentEncoded()
{
    AdminAction a;
    a.name = QStringLiteral("order");
    a.path = QStringLiteral("/api/orders/{id}/cancel");
    a.params = { { QStringLiteral("id"), {}, true } };
    QCOMPARE(buildAdminRequest(a, { { QStringLiteral("id"), QStringLiteral("a/b c?") } }).path,
        QStringLiteral("/api/orders/a%2Fb%20c%3F/cancel"));
}

void TestAdminAction::confirmationText_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("params");
    QTest::addColumn<QString>("text");

    QTest::newRow("stop") << "scheduler-stop" << QStringList() << "Stop the scheduler on trading-api?";
    QTest::newRow("restart") << "scheduler-restart" << QStringList() << "Restart the scheduler on trading-api?";
    QTest::newRow("trigger") << "trigger-job" << QStringList { QStringLiteral("job_type=calculate_pnl") }
                             << "Run the job calculate_pnl on trading-api now?";
    QTest::newRow("clear all") << "cache-clear" << QStringList { QStringLiteral("type=all") }
                               << "Clear every cache on trading-api?";
    QTest::newRow("clear price everywhere") << "cache-clear" << QStringList { QStringLiteral("type=price") }
                                            << "Clear the price cache for every exchange on trading-api?";
    QTest::newRow("clear one exchange market")
        << "cache-clear"
        << QStringList { QStringLiteral("type=exchange"), QStringLiteral("exchange=binance"),
               QStringLiteral("market_type=futures") }
        << "Clear the exchange client cache of exchange binance, market type futures on trading-api?";
    QTest::newRow("clear one market type")
        << "cache-clear" << QStringList { QStringLiteral("type=price"), QStringLiteral("market_type=spot") }
        << "Clear the price cache of market type spot on trading-api?";
}

void TestAdminAction::confirmationText()
{
    QFETCH(QString, action);
    QFETCH(QStringList, params);
    QFETCH(QString, text);
    AdminParams given;
    for (const QString& p : std::as_const(params))
        given.insert(p.section(u'=', 0, 0), p.section(u'=', 1));
    const AdminAction a = find(adminPresetActions(QStringLiteral("trading-system")), action);
    QCOMPARE(adminConfirmationText(QStringLiteral("trading-api"), a, given), text);
}

void TestAdminAction::usageListsParameters()
{
    const QList<AdminAction> preset = adminPresetActions(QStringLiteral("trading-system"));
    QCOMPARE(find(preset, QStringLiteral("cache-clear")).usage(),
        QStringLiteral("type=price|exchange|all [exchange=EXCHANGE] [market_type=MARKET_TYPE]"));
    QCOMPARE(find(preset, QStringLiteral("trigger-job")).usage(),
        QStringLiteral("job_type=update_orders|calculate_pnl|daily_summary|calculate_performance"));

    AdminAction custom;
    custom.name = QStringLiteral("purge-orders");
    custom.method = "POST";
    custom.path = QStringLiteral("/api/orders/purge");
    custom.params = { { QStringLiteral("days"), {}, true } };
    QCOMPARE(adminConfirmationText(
                 QStringLiteral("trading-api"), custom, { { QStringLiteral("days"), QStringLiteral("30") } }),
        QStringLiteral("Run purge-orders on trading-api (POST /api/orders/purge, days=30)?"));
}

QTEST_GUILESS_MAIN(TestAdminAction)
#include "tst_adminaction.moc"
