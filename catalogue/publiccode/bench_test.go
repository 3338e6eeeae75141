package publiccode

import (
	"os"
	"runtime"
	"testing"
)

// BenchmarkCheck_RealCorpus validates the real corpus, as a crawl would (no file
// checks: the corpus files have no repository beside them), and reports files
// per second and allocations per file.
//
//	go test ./catalogue/publiccode -run '^$' -bench RealCorpus -benchtime 5s
func BenchmarkCheck_RealCorpus(b *testing.B) {
	corpus := loadCorpus(b)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	checked := 0
	for b.Loop() {
		for _, data := range corpus {
			Check(data, Options{})
		}
		checked += len(corpus)
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(checked)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(checked), "allocs/file")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(checked), "B/file")
}

// BenchmarkCheck_RealCorpusParallel validates the real corpus on every core,
// as a crawl with several workers would.
func BenchmarkCheck_RealCorpusParallel(b *testing.B) {
	corpus := loadCorpus(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Check(corpus[i%len(corpus)], Options{})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkCheck_WithFiles validates the test file with its repository beside
// it, as a crawl with a git tree would.
func BenchmarkCheck_WithFiles(b *testing.B) {
	data := []byte(validFile(b))
	b.ReportAllocs()
	for b.Loop() {
		Check(data, Options{Files: repo})
	}
}

// BenchmarkCheck_BadInput shows that each bad input costs little.
func BenchmarkCheck_BadInput(b *testing.B) {
	for _, in := range badInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Check(in.data, Options{Limits: in.limits})
			}
		})
	}
}

// loadCorpus reads the real corpus into memory, so that benchmarks measure
// validation, not reading files.
func loadCorpus(b *testing.B) [][]byte {
	files, _ := corpusFiles(b)
	corpus := make([][]byte, len(files))
	for i, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		corpus[i] = data
	}
	return corpus
}
