package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus metrics of one server, on a registry of its
// own (so that test servers in one process do not collide).
type metrics struct {
	s        *Server
	handler  http.Handler
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	logins   *prometheus.CounterVec

	pool   *prometheus.Desc
	jobs   *prometheus.Desc
	images *prometheus.Desc
}

func newMetrics(s *Server) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		s: s,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imageshare_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "imageshare_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imageshare_logins_total", Help: "Password logins (console and API) by result: success, failure, throttled, invalid.",
		}, []string{"result"}),
		pool:   prometheus.NewDesc("imageshare_db_connections", "Database connections by state: open, in_use, idle.", []string{"state"}, nil),
		jobs:   prometheus.NewDesc("imageshare_jobs", "IMS jobs by status.", []string{"status"}, nil),
		images: prometheus.NewDesc("imageshare_images", "Images by status.", []string{"status"}, nil),
	}
	reg.MustRegister(m.requests, m.latency, m.logins, m, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// middleware counts every request by its route pattern (never the raw
// path, which would make a series per image ID).
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			// Render the error here, so that its status is counted.
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, c.Request().Method).Observe(time.Since(start).Seconds())
		return nil
	}
}

func (m *metrics) login(result string) { m.logins.WithLabelValues(result).Inc() }

// Describe implements prometheus.Collector for the figures read at scrape
// time from the pool and the database.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.pool
	ch <- m.jobs
	ch <- m.images
}

// Collect reads the pool's figures and counts jobs and images.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	if m.s.Store == nil {
		return
	}
	st := m.s.Store.PoolStats()
	ch <- prometheus.MustNewConstMetric(m.pool, prometheus.GaugeValue, float64(st.OpenConnections), "open")
	ch <- prometheus.MustNewConstMetric(m.pool, prometheus.GaugeValue, float64(st.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(m.pool, prometheus.GaugeValue, float64(st.Idle), "idle")
	if m.s.Sharing == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := m.s.Sharing.Counts(ctx)
	if err != nil {
		m.s.log.Warn("metrics: counting jobs and images", "err", err)
		return
	}
	for status, n := range counts.Jobs {
		ch <- prometheus.MustNewConstMetric(m.jobs, prometheus.GaugeValue, float64(n), status)
	}
	for status, n := range counts.Images {
		ch <- prometheus.MustNewConstMetric(m.images, prometheus.GaugeValue, float64(n), status)
	}
}
