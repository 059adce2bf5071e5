#pragma once

#include <QString>

namespace hd {

// The key of one row: "service/check", plus "/item" for a sub-check, a key found by a pattern, a series or an
// alert (docs/contract.md §4). Service and check names hold no '/'; an item may, so parse() splits at the first
// two only.
struct RowKey {
    QString service;
    QString check;
    QString item; // empty: the check's own row

    static QString make(const QString& service, const QString& check, const QString& item = QString());
    // The key of a row below `key` (an item of that row): "KEY/NAME".
    static QString below(const QString& key, const QString& name);
    // Empty service and check when `key` has no '/'.
    static RowKey parse(const QString& key);

    QString toString() const { return make(service, check, item); }
};

} // namespace hd
