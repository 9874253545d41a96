#include "jobtext.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QStringDecoder>

namespace ServeDeck::JobText {

namespace {

bool isTextType(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').constFirst().trimmed().toLower();
    return type.startsWith("text/") || type == "application/json" || type.endsWith("+json")
        || type == "application/xml" || type.endsWith("+xml") || type == "application/x-ndjson"
        || type == "application/javascript";
}

// How many trailing bytes of `head` are an incomplete UTF-8 sequence (cut at the shown limit).
qsizetype cutSequence(const QByteArray &head)
{
    for (qsizetype back = 1; back <= 3 && back <= head.size(); ++back) {
        const auto c = uchar(head.at(head.size() - back));
        if ((c & 0xC0) == 0x80)
            continue;  // a continuation byte: look further back for its lead
        const qsizetype length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        return length > back ? back : 0;
    }
    return 0;
}

} // namespace

Theme::Role stateRole(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return Theme::Role::Muted;
    case JobState::Running:
        return Theme::Role::StatusProvisioning;
    case JobState::Succeeded:
        return Theme::Role::Success;
    case JobState::Failed:
        return Theme::Role::Error;
    case JobState::Cancelled:
        return Theme::Role::StatusInactive;
    case JobState::Expired:
        return Theme::Role::Warning;
    }
    return Theme::Role::Muted;
}

QString stateWord(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("ServeDeck::JobText", "Queued");
    case JobState::Running:
        return QCoreApplication::translate("ServeDeck::JobText", "Running");
    case JobState::Succeeded:
        return QCoreApplication::translate("ServeDeck::JobText", "Succeeded");
    case JobState::Failed:
        return QCoreApplication::translate("ServeDeck::JobText", "Failed");
    case JobState::Cancelled:
        return QCoreApplication::translate("ServeDeck::JobText", "Cancelled");
    case JobState::Expired:
        return QCoreApplication::translate("ServeDeck::JobText", "Expired");
    }
    return {};
}

QString body(const QByteArray &head, qint64 totalBytes, const QByteArray &contentType)
{
    if (totalBytes == 0)
        return QCoreApplication::translate("ServeDeck::JobText", "(empty)");
    const bool whole = head.size() >= totalBytes;
    const QByteArray shown = whole ? head : head.left(head.size() - cutSequence(head));
    const QString binary = QCoreApplication::translate("ServeDeck::JobText", "%1 bytes (binary)").arg(totalBytes);
    if (!contentType.isEmpty() && !isTextType(contentType))
        return binary;
    if (shown.contains('\0'))
        return binary;
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(shown);
    if (utf8.hasError())
        return binary;
    if (whole) {
        QJsonParseError error;
        const QJsonDocument json = QJsonDocument::fromJson(shown, &error);
        if (error.error == QJsonParseError::NoError && !json.isNull())
            text = QString::fromUtf8(json.toJson(QJsonDocument::Indented)).trimmed();
        return text;
    }
    return text + u'\n'
        + QCoreApplication::translate("ServeDeck::JobText", "… the first %1 of %2 bytes shown")
              .arg(shown.size())
              .arg(totalBytes);
}

QString headers(const JobHeaders &headers)
{
    QStringList lines;
    for (const auto &[name, value] : headers)
        lines << QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value);
    return lines.join(u'\n');
}

} // namespace ServeDeck::JobText
