#include "compiler/units.h"
#include "compiler/go_quote.h"

#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stackc {
namespace {

constexpr int64_t k_int64_min = std::numeric_limits<int64_t>::min();

// Rows checked against docker 28.2.2: each input was written as `stop_grace_period: "<input>"`
// in a stack file and the output is what `docker stack config -c f.yml` printed for it.
TEST(Units, DurationParsesAndPrintsLikeTheReference) {
  struct Row {
    const char* input;
    const char* printed;
  };
  const std::vector<Row> rows = {
      {"90s", "1m30s"},
      {"1.5h", "1h30m0s"},
      {"500ms", "500ms"},
      {"0", "0s"},
      {"-1s", "-1s"},
      {"+1s", "1s"},
      {"1h0m0s", "1h0m0s"},
      {"1µs", "1µs"},
      {"1μs", "1µs"},
      {"1us", "1µs"},
      {"1ns", "1ns"},
      {"1.000000001s", "1.000000001s"},
      {"0.5ns", "0s"},
      {"1.9ns", "1ns"},
      {".5s", "500ms"},
      {"5.s", "5s"},
      {"2562047h47m16.854775807s", "2562047h47m16.854775807s"},
      {"-2562047h47m16.854775808s", "-2562047h47m16.854775808s"},
      {"9223372036854775807ns", "2562047h47m16.854775807s"},
      {"1h1h", "2h0m0s"},
      {"0.000000001h", "3.6µs"},
      {"1.123456789123s", "1.123456789s"},
      {"59m59.9999999999s", "59m59.999999999s"},
      {"1m", "1m0s"},
      {"61m", "1h1m0s"},
      {"25h", "25h0m0s"},
      {"100ms", "100ms"},
      {"1001ms", "1.001s"},
      {"999999ns", "999.999µs"},
      {"1000us", "1ms"},
      {"1.5s", "1.5s"},
      {"-0s", "0s"},
      {"-1.5ms", "-1.5ms"},
      {"0.0s", "0s"},
      {"1h30m", "1h30m0s"},
      {"2h45m30.5s", "2h45m30.5s"},
      {"+0", "0s"},
      {"-0", "0s"},
      {"3000000000s", "833333h20m0s"},
      {"00001s", "1s"},
      {"1.0000000000000000000001s", "1s"},
      {"1s1ms1us1ns", "1.001001001s"},
      {"1m0.1s", "1m0.1s"},
  };
  for (const Row& row : rows) {
    auto parsed = parse_duration(row.input);
    ASSERT_TRUE(parsed) << row.input << ": " << parsed.error();
    EXPECT_EQ(format_duration(*parsed), row.printed) << row.input;
  }
}

TEST(Units, DurationExactNanoseconds) {
  EXPECT_EQ(parse_duration("1m30s"), 90'000'000'000);
  EXPECT_EQ(parse_duration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(parse_duration("-1s"), -1'000'000'000);
  EXPECT_EQ(parse_duration("0.000000001h"), 3'600);
  EXPECT_EQ(parse_duration("9223372036854775807ns"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_duration("-2562047h47m16.854775808s"), k_int64_min);
  EXPECT_EQ(parse_duration("1.9ns"), 1);
}

// The reference rejects every one of these (its schema check prints "services.s.stop_grace_period
// Does not match format 'duration'"); the texts are Go's time.ParseDuration errors.
TEST(Units, DurationErrorsLikeTheReference) {
  struct Row {
    const char* input;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"1.5", "time: missing unit in duration \"1.5\""},
      {"", "time: invalid duration \"\""},
      {"1d", "time: unknown unit \"d\" in duration \"1d\""},
      {"1", "time: missing unit in duration \"1\""},
      {".", "time: invalid duration \".\""},
      {".s", "time: invalid duration \".s\""},
      {"2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\""},
      {"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
      {"1S", "time: unknown unit \"S\" in duration \"1S\""},
      {"1 s", "time: unknown unit \" s\" in duration \"1 s\""},
      {"100000000000000000000ns", "time: invalid duration \"100000000000000000000ns\""},
      {"3.6e3s", "time: unknown unit \"e\" in duration \"3.6e3s\""},
      {"1h-1m", "time: unknown unit \"h-\" in duration \"1h-1m\""},
      {"-", "time: invalid duration \"-\""},
      {"+", "time: invalid duration \"+\""},
      {"s", "time: invalid duration \"s\""},
      {"1.5.5s", "time: missing unit in duration \"1.5.5s\""},
      {"1hh", "time: unknown unit \"hh\" in duration \"1hh\""},
      {" 1s", "time: invalid duration \" 1s\""},
      {"1s ", "time: unknown unit \"s \" in duration \"1s \""},
      {"-.s", "time: invalid duration \"-.s\""},
      {"1.s.", "time: invalid duration \"1.s.\""},
      {"2562048h", "time: invalid duration \"2562048h\""},
      {"1µ", "time: unknown unit \"\\xc2\\xb5\" in duration \"1\\xc2\\xb5\""},
      {"9223372036854775808s", "time: invalid duration \"9223372036854775808s\""},
  };
  for (const Row& row : rows) {
    auto parsed = parse_duration(row.input);
    ASSERT_FALSE(parsed) << row.input << " parsed as " << *parsed;
    EXPECT_EQ(parsed.error(), row.error) << row.input;
  }
}

TEST(Units, FormatDurationLikeGo) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(1), "1ns");
  EXPECT_EQ(format_duration(-1), "-1ns");
  EXPECT_EQ(format_duration(1'500), "1.5µs");
  EXPECT_EQ(format_duration(1'000'000), "1ms");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_duration(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(format_duration(std::numeric_limits<int64_t>::max()), "2562047h47m16.854775807s");
  EXPECT_EQ(format_duration(k_int64_min), "-2562047h47m16.854775808s");
}

// Rows checked against docker 28.2.2: each input was written as
// `deploy.resources.limits.memory: "<input>"` and the value is what `docker stack config` printed
// (a 0 is omitted from its output), or the error after "error decoding '...memory': ".
TEST(Units, BytesLikeTheReference) {
  struct Row {
    const char* input;
    int64_t bytes;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"512M", 536870912LL, ""},
      {"1g", 1073741824LL, ""},
      {"1.5GB", 1610612736LL, ""},
      {"100k", 102400LL, ""},
      {"1024", 1024LL, ""},
      {"1b", 1LL, ""},
      {"1B", 1LL, ""},
      {"512X", 0, "invalid suffix: 'x'"},
      {"", 0, "invalid size: ''"},
      {"1KiB", 1024LL, ""},
      {"1kib", 1024LL, ""},
      {"1kbi", 0, "invalid suffix: 'kbi'"},
      {"1KB", 1024LL, ""},
      {"1kB", 1024LL, ""},
      {"1Kb", 1024LL, ""},
      {"1kibb", 0, "invalid suffix: 'kibb'"},
      {"1KIBB", 0, "invalid suffix: 'KIBB'"},
      {"5 k", 5120LL, ""},
      {"5  k", 0, "strconv.ParseFloat: parsing \"5 \": invalid syntax"},
      {" 5k", 0, "strconv.ParseFloat: parsing \" 5\": invalid syntax"},
      {"5k ", 0, "strconv.ParseFloat: parsing \"5k\": invalid syntax"},
      {"1e3", 1000LL, ""},
      {"1e3k", 1024000LL, ""},
      {"0x1p4", 16LL, ""},
      {"0x10", 0, "strconv.ParseFloat: parsing \"0x10\": invalid syntax"},
      {"-1", 0, "invalid size: '-1'"},
      {"-0", 0LL, ""},
      {".5k", 512LL, ""},
      {"5.k", 5120LL, ""},
      {".", 0, "strconv.ParseFloat: parsing \".\": invalid syntax"},
      {"k", 0, "invalid size: 'k'"},
      {"1p", 1125899906842624LL, ""},
      {"1P", 1125899906842624LL, ""},
      {"8192p", k_int64_min, ""},
      {"1t", 1099511627776LL, ""},
      {"1.0000001k", 1024LL, ""},
      {"0.5b", 0LL, ""},
      {"1bb", 0, "invalid suffix: 'bb'"},
      {"1m1", 0, "strconv.ParseFloat: parsing \"1m1\": invalid syntax"},
      {"1.5", 1LL, ""},
      {"+5k", 5120LL, ""},
      {"1_000", 1000LL, ""},
      {"1_000k", 1024000LL, ""},
      {"1__0", 0, "strconv.ParseFloat: parsing \"1__0\": invalid syntax"},
      {"1_", 0, "invalid suffix: '_'"},
      {"0x_1p0", 1LL, ""},
      {"Inf", 0, "invalid size: 'Inf'"},
      {"Inf k", k_int64_min, ""},
      {"+Inf ", k_int64_min, ""},
      {"5 ", 5LL, ""},
      {"1 KiB", 1024LL, ""},
      {"9223372036854775807", k_int64_min, ""},
      {"9223372036854775808", k_int64_min, ""},
      {"1e400", 0, "strconv.ParseFloat: parsing \"1e400\": value out of range"},
      {"1e-400", 0LL, ""},
      {"1,5k", 0, "strconv.ParseFloat: parsing \"1,5\": invalid syntax"},
      {"1ki", 0, "invalid suffix: 'ki'"},
      {"1KI", 0, "invalid suffix: 'ki'"},
      {"1kb", 1024LL, ""},
      {"1ib", 0, "invalid suffix: 'ib'"},
      {"0", 0LL, ""},
      {"0.9", 0LL, ""},
      {"1.5m", 1572864LL, ""},
      {"2.5G", 2684354560LL, ""},
      {"1e", 0, "invalid suffix: 'e'"},
      {"1e+", 0, "invalid suffix: 'e+'"},
      {"0x1p", 0, "strconv.ParseFloat: parsing \"0x1\": invalid syntax"},
      {"0x1", 0, "strconv.ParseFloat: parsing \"0x1\": invalid syntax"},
      {"1x1k", 0, "strconv.ParseFloat: parsing \"1x1\": invalid syntax"},
      {"1.2.3", 0, "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
      {"12e3b", 12000LL, ""},
      {"1024 ", 1024LL, ""},
      {"1 b", 1LL, ""},
      {"1 kib", 1024LL, ""},
      {"NaN k", k_int64_min, ""},
      {"-5k", 0, "invalid size: '-5k'"},
      {"--5", 0, "strconv.ParseFloat: parsing \"--5\": invalid syntax"},
      {"4g", 4294967296LL, ""},
      {"1tb", 1099511627776LL, ""},
      {"1tib", 1099511627776LL, ""},
      {"1pb", 1125899906842624LL, ""},
      {"1e", 0, "invalid suffix: 'e'"},
      {"0x1.8p1k", 3072LL, ""},
      {"1.5.5k", 0, "strconv.ParseFloat: parsing \"1.5.5\": invalid syntax"},
      {"k1", 0, "strconv.ParseFloat: parsing \"k1\": invalid syntax"},
      {"1 2", 0, "strconv.ParseFloat: parsing \"1 2\": invalid syntax"},
      {"µ", 0, "invalid size: 'µ'"},
      {"1ék", 0, "invalid suffix: 'ék'"},
      {"1e308", k_int64_min, ""},
      {"2e308", 0, "strconv.ParseFloat: parsing \"2e308\": value out of range"},
      {"1e18", 1000000000000000000LL, ""},
      {"1e19", k_int64_min, ""},
      {"8e18", 8000000000000000000LL, ""},
      {"9.3e18", k_int64_min, ""},
  };
  for (const Row& row : rows) {
    auto parsed = parse_bytes(row.input);
    if (row.error[0] == '\0') {
      ASSERT_TRUE(parsed) << row.input << ": " << parsed.error();
      EXPECT_EQ(*parsed, row.bytes) << row.input;
    } else {
      ASSERT_FALSE(parsed) << row.input << " parsed as " << *parsed;
      EXPECT_EQ(parsed.error(), row.error) << row.input;
    }
  }
}

// Accepted/rejected and the error texts were checked against docker 28.2.2's `--cpus` flag (the
// same opts.ParseCPUs the stack converter calls); `docker stack config` does not parse cpus.
// The values follow from big.Rat arithmetic.
TEST(Units, CpusLikeTheReference) {
  struct Row {
    const char* input;
    int64_t nano;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"0.5", 500'000'000, ""},
      {"1", 1'000'000'000, ""},
      {"0.000000001", 1, ""},
      {"1/2", 500'000'000, ""},
      {"-1", -1'000'000'000, ""},
      {"-0.5", -500'000'000, ""},
      {"1e-9", 1, ""},
      {"1e9", 1'000'000'000'000'000'000, ""},
      {"0x10", 16'000'000'000, ""},
      {"+1", 1'000'000'000, ""},
      {"1.5e0", 1'500'000'000, ""},
      {"1.5E1", 15'000'000'000, ""},
      {"0b1", 1'000'000'000, ""},
      {"0o7", 7'000'000'000, ""},
      {"07", 7'000'000'000, ""},
      {"1.0000000000", 1'000'000'000, ""},
      {"3/1000000000", 3, ""},
      {"1_0", 10'000'000'000, ""},
      {".5", 500'000'000, ""},
      {"5.", 5'000'000'000, ""},
      {"2.50", 2'500'000'000, ""},
      {"1e-0", 1'000'000'000, ""},
      {"0.5e-8", 5, ""},
      {"010/4", 2'000'000'000, ""},
      {"0x10/0b10", 8'000'000'000, ""},
      {"-1/2", -500'000'000, ""},
      {"1/0x2", 500'000'000, ""},
      {"0x_1", 1'000'000'000, ""},
      {"0", 0, ""},
      {"1_0/2", 5'000'000'000, ""},
      {"1.5p1", 3'000'000'000, ""},
      {"0b1.1e1", 15'000'000'000, ""},
      {"0x1.8", 1'500'000'000, ""},
      {"00.5", 500'000'000, ""},
      {"0x.8", 500'000'000, ""},
      {"0x.8p0", 500'000'000, ""},
      {"0.5p1", 1'000'000'000, ""},
      {"0o1.4", 1'500'000'000, ""},
      {"0B1", 1'000'000'000, ""},
      {"0X1P-1", 500'000'000, ""},
      {"0x1e1", 481'000'000'000, ""},
      {"1/0_1", 1'000'000'000, ""},
      {"0_1", 1'000'000'000, ""},
      {"01.5", 1'500'000'000, ""},
      {"1P1", 2'000'000'000, ""},
      {"1_000.5", 1'000'500'000'000, ""},
      {"100000000000000000000000000000000000000000000e-40", 10'000'000'000'000, ""},
      {"0x1p-1", 500'000'000, ""},
      {"1p-1", 500'000'000, ""},
      {"1e-100000", 0, "value is too precise"},
      {"5e-10p1", 0, "failed to parse 5e-10p1 as a rational number"},
      {"0x", 0, "failed to parse 0x as a rational number"},
      {"0x1p", 0, "failed to parse 0x1p as a rational number"},
      {"1.5e", 0, "failed to parse 1.5e as a rational number"},
      {"0x1.8p1/2", 0, "failed to parse 0x1.8p1/2 as a rational number"},
      {"1._5", 0, "failed to parse 1._5 as a rational number"},
      {"0.000000000500000000000000000000000000000000000000000000", 0, "value is too precise"},
      {"1e-40", 0, "value is too precise"},
      {"abc", 0, "failed to parse abc as a rational number"},
      {"0.0000000001", 0, "value is too precise"},
      {"1/3", 0, "value is too precise"},
      {" 1", 0, "failed to parse  1 as a rational number"},
      {"1/0", 0, "failed to parse 1/0 as a rational number"},
      {"", 0, "failed to parse  as a rational number"},
      {"0.1234567891", 0, "value is too precise"},
      {".", 0, "failed to parse . as a rational number"},
      {"1e-10", 0, "value is too precise"},
      {"1/-2", 0, "failed to parse 1/-2 as a rational number"},
      {"1/", 0, "failed to parse 1/ as a rational number"},
      {"/2", 0, "failed to parse /2 as a rational number"},
      {"1e", 0, "failed to parse 1e as a rational number"},
      {"1_", 0, "failed to parse 1_ as a rational number"},
      {"_1", 0, "failed to parse _1 as a rational number"},
      {"1__0", 0, "failed to parse 1__0 as a rational number"},
      {"1 ", 0, "failed to parse 1  as a rational number"},
      {"0b", 0, "failed to parse 0b as a rational number"},
      {"1/3e0", 0, "failed to parse 1/3e0 as a rational number"},
      {"1.5/2", 0, "failed to parse 1.5/2 as a rational number"},
  };
  for (const Row& row : rows) {
    auto parsed = parse_cpus(row.input);
    if (row.error[0] == '\0') {
      ASSERT_TRUE(parsed) << row.input << ": " << parsed.error();
      EXPECT_EQ(*parsed, row.nano) << row.input;
    } else {
      ASSERT_FALSE(parsed) << row.input << " parsed as " << *parsed;
      EXPECT_EQ(parsed.error(), row.error) << row.input;
    }
  }
}

// The reference accepts these and wraps the result to 64 bits; stackc refuses them instead.
TEST(Units, CpusBeyondInt64AreRefused) {
  EXPECT_EQ(parse_cpus("9223372036854775807").error(), "value is out of range");
  EXPECT_EQ(parse_cpus("1e30").error(), "value is out of range");
  EXPECT_EQ(parse_cpus("9.3e9").error(), "value is out of range");
  EXPECT_EQ(parse_cpus("1e100000").error(), "value is out of range");
}

TEST(Units, GoQuote) {
  EXPECT_EQ(go_quote("5 "), "\"5 \"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\n\x01"), "\"\\n\\x01\"");
  EXPECT_EQ(go_quote("é"), "\"é\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
}

}  // namespace
}  // namespace stackc

namespace stackc {
namespace {

std::string random_text(std::mt19937_64& rng, std::string_view alphabet, size_t max_length) {
  std::string text;
  size_t length = rng() % (max_length + 1);
  for (size_t i = 0; i < length; ++i) {
    text += alphabet[rng() % alphabet.size()];
  }
  return text;
}

// Go's Duration.String output always parses back to the same value.
TEST(Units, FormattedDurationsParseBack) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 999,
                                 1000,
                                 999'999'999,
                                 1'000'000'000,
                                 k_int64_min,
                                 std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  }
  for (int64_t value : values) {
    std::string text = format_duration(value);
    EXPECT_EQ(parse_duration(text), value) << text;
  }
}

// Arbitrary input never crashes (this runs under ASan/UBSan) and keeps the documented ranges.
TEST(Units, ArbitraryInputIsHandled) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string text = random_text(rng, "0123456789.+-_ eEpPxXbBoO/kKmMgGtTiIsuhn\xC2\xB5", 12);
    if (auto bytes = parse_bytes(text)) {
      EXPECT_TRUE(*bytes >= 0 || *bytes == k_int64_min) << text;
    }
    if (auto duration = parse_duration(text)) {
      EXPECT_EQ(parse_duration(format_duration(*duration)), *duration) << text;
    }
    if (auto cpus = parse_cpus(text)) {
      EXPECT_TRUE(*cpus <= 0 || text[0] != '-') << text;
    }
  }
}

}  // namespace
}  // namespace stackc
