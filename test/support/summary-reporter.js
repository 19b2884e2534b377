// Prints the plain closing line CI reads: "N passed, N failed, N skipped".
class SummaryReporter {
  onRunComplete(_contexts, r) {
    const skipped = r.numPendingTests + r.numTodoTests;
    const failedSuites = r.numFailedTestSuites + r.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests + (failedSuites && !r.numFailedTests ? failedSuites : 0)} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
