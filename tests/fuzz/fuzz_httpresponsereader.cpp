// HttpResponseReader as UpstreamConnection drives it: an upstream's answer arrives in pieces
// of any size; the body views are read at once (they point into the piece); the end of the
// stream is finish(). After a complete answer the rest is read as the next answer, as on a
// reused connection. Input: byte 0 chooses HEAD, a small head limit and seeds the cuts.
#include <cstddef>
#include <cstdint>

#include "fuzzslices.h"
#include "http/httpresponsereader.h"

using ServeDeck::HttpResponseReader;

namespace {
volatile size_t sink;

size_t touchEvents(const HttpResponseReader &reader)
{
    size_t sum = 0;
    for (const HttpResponseReader::Event &event : reader.events()) {
        if (event.kind == HttpResponseReader::Event::Kind::Head) {
            const auto &head = reader.head();
            sum += size_t(head.status) + size_t(head.headers.size());
        } else {
            for (const char c : event.body)  // every byte: a stale view is an ASan report
                sum += uint8_t(c);
        }
    }
    return sum;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t control = data[0];
    HttpResponseReader reader;
    if (control & 1u)
        reader.setLimits({256});
    reader.expect(control & 2u);

    FuzzSlices slices(data + 1, size - 1, control * 2654435761u);
    size_t sum = 0;
    int answers = 0;
    while (!slices.atEnd()) {
        size_t length = 0;
        const auto piece = slices.next(&length);
        qsizetype pos = 0;
        while (pos < qsizetype(length)) {
            qsizetype consumed = 0;
            const auto result = reader.read(piece.get() + pos, qsizetype(length) - pos, &consumed);
            if (consumed < 0 || consumed > qsizetype(length) - pos)
                __builtin_trap();
            pos += consumed;
            sum += touchEvents(reader);
            if (result == HttpResponseReader::Result::Failed) {
                sink = sum + size_t(reader.failure()) + size_t(reader.failureText().size());
                return 0;
            }
            if (result == HttpResponseReader::Result::Complete) {
                sum += size_t(reader.keepAlive());
                if (++answers > 64)
                    return 0;
                reader.expect((control >> 2) & 1u);
            } else if (pos != qsizetype(length)) {
                __builtin_trap();  // NeedMore promises that everything was consumed
            }
        }
    }
    reader.finish();
    sum += touchEvents(reader);
    sink = sum + size_t(reader.failure());
    return 0;
}
