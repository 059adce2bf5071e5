// `healthdeck admin`: run one admin action (docs/contract.md §6) exactly once, audited; exit 0/1/2/3.
#include "frontends.h"

#include "admin/adminclient.h"
#include "commandline.h"
#include "config/loadconfig.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

namespace hd {

namespace {

enum ExitCode { ExitOk = 0, ExitFailed = 1, ExitUsage = 2, ExitAuth = 3 };

void printErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void printOut(const QByteArray& bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

int exitCodeOf(AdminOutcome outcome)
{
    switch (outcome) {
    case AdminOutcome::Success:
        return ExitOk;
    case AdminOutcome::Failure:
    case AdminOutcome::Unknown:
        return ExitFailed;
    case AdminOutcome::Refused:
    case AdminOutcome::Invalid:
        return ExitUsage;
    case AdminOutcome::AuthFailed:
        return ExitAuth;
    }
    return ExitFailed;
}

// One line per action: "  cache-clear type=price|exchange|all [exchange=EXCHANGE] [market_type=MARKET_TYPE]  (confirm)"
QString actionList(const AdminClient& client, const QString& service)
{
    QString out;
    const QList<AdminAction> actions = client.actions(service);
    for (const AdminAction& a : actions) {
        out += u"  " + a.name;
        if (!a.params.isEmpty())
            out += u' ' + a.usage();
        if (a.confirm)
            out += QStringLiteral("  (asks for confirmation)");
        out += u'\n';
    }
    return out;
}

QString serviceList(const AdminClient& client)
{
    const QStringList services = client.services();
    return services.isEmpty() ? QStringLiteral("the config has no admin: section")
                              : u"admin services: " + services.join(u", ");
}

// The backend's JSON as it sent it, or a document of ours when it sent none: --json always prints JSON.
QByteArray jsonOutput(const AdminResult& r)
{
    if (r.response.isObject())
        return QJsonDocument(r.response.toObject()).toJson(QJsonDocument::Compact) + '\n';
    if (r.response.isArray())
        return QJsonDocument(r.response.toArray()).toJson(QJsonDocument::Compact) + '\n';
    QJsonObject o {
        { QStringLiteral("success"), false },
        { QStringLiteral("result"), adminOutcomeName(r.outcome) },
        { QStringLiteral("message"), r.message },
        { QStringLiteral("service"), r.service },
        { QStringLiteral("action"), r.action },
    };
    if (r.httpStatus > 0)
        o.insert(QStringLiteral("http_status"), r.httpStatus);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

// The backend's message, then what it returned: the envelope's "data", or a whole answer of another shape.
QByteArray textOutput(const AdminResult& r)
{
    QByteArray out = r.message.toUtf8() + '\n';
    const QJsonObject object = r.response.toObject();
    const bool envelope = object.contains(u"success") || object.contains(u"message");
    const QJsonValue data = envelope ? object.value(u"data") : r.response;
    if (data.isObject() && !data.toObject().isEmpty())
        out += QJsonDocument(data.toObject()).toJson(QJsonDocument::Indented);
    else if (data.isArray() && !data.toArray().isEmpty())
        out += QJsonDocument(data.toArray()).toJson(QJsonDocument::Indented);
    return out;
}

} // namespace

int runAdminCommand(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run one admin action on a service, once, with an audit record."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("admin"), QStringLiteral("the command"));
    parser.addPositionalArgument(QStringLiteral("SERVICE"), QStringLiteral("A service under admin: in the config."));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("The action, e.g. scheduler-status."));
    parser.addPositionalArgument(
        QStringLiteral("key=value"), QStringLiteral("The action's parameters."), QStringLiteral("[key=value...]"));
    const QCommandLineOption configOpt = configOption();
    const QCommandLineOption yesOpt(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the backend's response as JSON."));
    const QCommandLineOption readOnlyOpt(QStringLiteral("read-only"), QStringLiteral("Refuse every action."));
    const QCommandLineOption historyOpt = historyOption(QStringLiteral("SQLite history file (audit log)."));
    parser.addOptions({ configOpt, yesOpt, jsonOpt, readOnlyOpt, historyOpt, inertNoRemediateOption() });
    if (!parser.parse(QCoreApplication::arguments())) {
        printErr(u"healthdeck admin: " + parser.errorText());
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText().toUtf8());
        return ExitOk;
    }
    const QString path = defaultConfigPath(parser.value(configOpt));
    if (path.isEmpty()) {
        printErr(QStringLiteral("healthdeck admin: no config file: pass --config FILE or set HEALTHDECK_CONFIG"));
        return ExitUsage;
    }
    const ConfigLoadResult loaded = loadValidatedConfig(path);
    for (const ConfigError& w : loaded.warnings)
        printErr(w.toString() + u" (warning)");
    if (!loaded.config) {
        for (const ConfigError& e : loaded.errors)
            printErr(e.toString());
        return ExitUsage;
    }

    AdminClient client;
    client.setConfig(*loaded.config);
    client.setReadOnly(parser.isSet(readOnlyOpt));

    const QStringList positional = parser.positionalArguments().mid(1); // after "admin"
    if (positional.isEmpty()) {
        printErr(u"usage: healthdeck admin --config FILE SERVICE ACTION [key=value]... [--yes] [--json]\n"
            + serviceList(client));
        return ExitUsage;
    }
    const QString service = positional.at(0);
    if (positional.size() < 2) {
        if (!client.hasService(service)) {
            printErr(u"healthdeck admin: no admin service '" + service + u"'; " + serviceList(client));
        } else {
            printErr(u"usage: healthdeck admin --config FILE " + service + u" ACTION [key=value]...\nactions of "
                + service + u":\n" + actionList(client, service).chopped(1));
        }
        return ExitUsage;
    }
    const QString actionName = positional.at(1);
    AdminParams params;
    for (const QString& arg : positional.mid(2)) {
        const qsizetype eq = arg.indexOf(u'=');
        if (eq <= 0) {
            printErr(u"healthdeck admin: bad parameter '" + arg + u"': write parameters as key=value");
            return ExitUsage;
        }
        const QString key = arg.left(eq);
        if (params.contains(key)) {
            printErr(u"healthdeck admin: parameter '" + key + u"' is given twice");
            return ExitUsage;
        }
        params.insert(key, arg.mid(eq + 1));
    }

    HistoryOptions options;
    options.path = parser.isSet(historyOpt) ? parser.value(historyOpt) : HistoryStore::defaultPath();
    options.retention = loaded.config->history;
    HistoryStore store(options);
    if (!store.open()) {
        printErr(u"healthdeck admin: cannot open any history store for the audit log (" + options.path + u')');
        return ExitUsage;
    }
    if (store.isDegraded())
        printErr(u"healthdeck admin: the audit record will not outlive this run: " + store.degradedReason());
    client.setHistoryStore(&store);

    AdminResult result;
    QObject::connect(&client, &AdminClient::finished, &app, [&](const AdminResult& r) {
        result = r;
        app.quit();
    });

    // Checks that need no answer from anyone come first, so that an invalid call never prompts.
    const bool ask = !parser.isSet(yesOpt) && !client.isReadOnly()
        && client.validate(service, actionName, params).isEmpty() && client.needsConfirmation(service, actionName);
    bool confirmed = true;
    if (ask) {
        const QString what = describeAdminAction(service, *client.action(service, actionName), params);
        if (!::isatty(STDIN_FILENO)) {
            confirmed = false;
            client.refuse(service, actionName, params,
                u"not confirmed: there is no terminal to ask on (pass --yes to " + what + u"); nothing was sent");
        } else {
            const QByteArray prompt = (u"Type yes to " + what + u": ").toUtf8();
            std::fwrite(prompt.constData(), 1, size_t(prompt.size()), stderr);
            std::fflush(stderr);
            std::string line;
            std::getline(std::cin, line);
            confirmed = QString::fromStdString(line).trimmed().compare(u"yes", Qt::CaseInsensitive) == 0;
            if (!confirmed)
                client.refuse(service, actionName, params,
                    QStringLiteral("not confirmed: the answer was not yes; nothing was sent"));
        }
    }
    // Unconfirmable calls (read-only mode, bad parameters) are refused inside run() and audited there.
    if (confirmed)
        client.run(service, actionName, params, AdminConfirmation::Confirmed);
    app.exec();
    store.close();

    if (!result.audited)
        printErr(u"healthdeck admin: warning: the attempt is not in the audit log: " + result.auditError);
    if (parser.isSet(jsonOpt))
        printOut(jsonOutput(result));
    if (result.outcome == AdminOutcome::Success) {
        if (!parser.isSet(jsonOpt))
            printOut(textOutput(result));
    } else {
        QString text = u"healthdeck admin: " + service + u' ' + actionName + u": " + result.message;
        if (result.outcome == AdminOutcome::Invalid && client.hasService(service)
            && !client.action(service, actionName))
            text += u"\nactions of " + service + u":\n" + actionList(client, service).chopped(1);
        printErr(text);
    }
    return exitCodeOf(result.outcome);
}

} // namespace hd
