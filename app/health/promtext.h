#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

// Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, read into flat samples.
// Never throws, and runs in time linear in the input (it is fuzzed).
namespace hd::prom {

enum class Format {
    Text, // text/plain; version=0.0.4, read as Prometheus' own expfmt parser does
    OpenMetrics, // application/openmetrics-text; version=1.0.0, strict: "# EOF", _total, grouping, ...
};

enum class MetricType { Unknown, Counter, Gauge, Histogram, GaugeHistogram, Summary, Info, StateSet };

// Label pairs sorted by name; names are unique.
using Labels = QList<std::pair<QString, QString>>;

struct Exemplar {
    Labels labels;
    double value = 0;
    std::optional<double> timestamp; // seconds, as written
};

struct Family {
    QString name; // "http_requests" for the counter whose samples are http_requests_total
    MetricType type = MetricType::Unknown;
    QString help; // unescaped
    QString unit; // OpenMetrics only
};

struct Sample {
    QString name; // the sample's own name: "x_bucket", "x_sum", "x_total"
    Labels labels; // le and quantile included
    double value = 0;
    std::optional<double> timestampMs; // 0.0.4 writes milliseconds, OpenMetrics seconds; both kept as ms
    std::optional<Exemplar> exemplar; // OpenMetrics only
    qsizetype family = -1; // index into Exposition::families
    int line = 0;
};

struct ParseError {
    int line = 0; // 1-based
    QString message;
    // "text format parsing error in line 3: ...", the wording of Prometheus' own parser
    QString toString() const;
};

struct Exposition {
    Format format = Format::Text;
    QList<Family> families; // families that have samples, in the order first seen
    QList<Sample> samples; // in input order
    std::optional<ParseError> error;

    bool ok() const { return !error; }
    const Family* familyOf(const Sample& sample) const;
    // Indexes of the samples called `name` whose labels include every pair of `labels` (sorted or not).
    QList<qsizetype> find(QStringView name, const Labels& labels = {}) const;
};

// How metric and label names are checked. Prometheus 3 allows any UTF-8 name when quoted
// ({"my.metric", "a.b"="c"}); older servers accept only [a-zA-Z_:][a-zA-Z0-9_:]*.
enum class NameScheme { Utf8, Legacy };

// On error, error is set (with the line) and samples/families hold what was read before it.
Exposition parse(QByteArrayView text, Format format, NameScheme names = NameScheme::Utf8);

// The format a body claims by its content type, or else shows by its last line ("# EOF").
Format formatOf(QByteArrayView contentType, QByteArrayView body);
// Whether the content type names either exposition format.
bool isExpositionContentType(QByteArrayView contentType);

QStringView typeName(MetricType type); // "counter", "gaugehistogram", "unknown", ...

// For writers (the metrics exporter): the escaping and number spelling both formats accept.
bool isValidMetricName(QStringView name);
bool isValidLabelName(QStringView name);
QString escapeLabelValue(QStringView value); // \ " and newline
QString escapeHelp(QStringView help); // \ and newline
QString formatValue(double value); // shortest round-trip form, "+Inf", "-Inf", "NaN"

} // namespace hd::prom
