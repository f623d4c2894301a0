import HeraldOperations
import Testing

@Suite struct PrometheusTextWriterTests {
    @Test func familiesSamplesAndEscapes() {
        var page = PrometheusTextWriter()
        page.family("x_total", .counter, help: "Line one\nback\\slash")
        page.sample("x_total", labels: ["a": "q\"u\\o\nte", "b": "2"], 3)
        page.single("y", .gauge, help: "Y.", 7)
        #expect(page.text == """
            # HELP x_total Line one\\nback\\\\slash
            # TYPE x_total counter
            x_total{a="q\\"u\\\\o\\nte",b="2"} 3
            # HELP y Y.
            # TYPE y gauge
            y 7

            """)
    }

    @Test func histogramBucketsAreCumulative() {
        var page = PrometheusTextWriter()
        page.histogram("d", help: "D.", bounds: [0.5, 1], counts: [2, 0, 3], sum: 4.25)
        #expect(page.text == """
            # HELP d D.
            # TYPE d histogram
            d_bucket{le="0.5"} 2
            d_bucket{le="1.0"} 2
            d_bucket{le="+Inf"} 5
            d_sum 4.25
            d_count 5

            """)
    }
}
