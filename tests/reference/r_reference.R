# Reference values from R for the core fit and the Firth penalty.
#
# Run from the repository root:  Rscript tests/reference/r_reference.R
# Writes tests/reference/r_reference.csv (long format, one value a row).
# Made with R 4.2.2 and Debian's r-cran-vgam 1.1-7, r-cran-nnet 7.3-18 and
# r-cran-brglm2 0.9 (apt-get install r-base-core r-cran-vgam r-cran-nnet r-cran-brglm2).
# R is not needed to run the tests: they read the CSV.
#
# Software and what it contributes:
#   VGAM::vglm(multinomial(refLevel = ...))  maximum likelihood by IRLS (Fisher scoring,
#       exact for the canonical link), tightened to epsilon = 1e-12: coefficients, the full
#       covariance matrix (labelled by term and outcome, a check of our parameter order)
#       and the log-likelihood;
#   nnet::multinom  maximum likelihood by BFGS (reltol 1e-14): coefficients, its
#       Hessian-based standard errors and the log-likelihood -- an independent optimiser;
#   brglm2::brmultinom(type = "AS_mean")  Firth's bias-reduced multinomial logit
#       (equivalent to the Jeffreys-prior penalty for this canonical link): coefficients
#       and the covariance at the estimate.
# Term names are rewritten to patsy's ("(Intercept)" -> "Intercept", factor level
# "sesmiddle" -> "ses[T.middle]"), outcomes are the level labels.

suppressPackageStartupMessages({
  library(VGAM)
  library(nnet)
  library(brglm2)
})

rows <- list()
emit <- function(case, software, statistic, outcome, term, value,
                 outcome2 = "", term2 = "") {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, software = software, statistic = statistic, outcome = outcome,
    term = term, outcome2 = outcome2, term2 = term2,
    value = sprintf("%.17g", value), stringsAsFactors = FALSE
  )
}

patsy_names <- function(names, factors, data) {
  names[names == "(Intercept)"] <- "Intercept"
  for (f in factors) {
    for (level in levels(data[[f]])) {
      names[names == paste0(f, level)] <- paste0(f, "[T.", level, "]")
    }
  }
  names
}

# Coefficients and covariance given as a terms x outcomes matrix and a covariance
# labelled by (term, outcome) pairs in any order.
emit_fit <- function(case, software, coefs, cov_labels, cov, llf, nobs) {
  for (j in colnames(coefs)) for (t in rownames(coefs)) {
    emit(case, software, "params", j, t, coefs[t, j])
  }
  for (a in seq_along(cov_labels$term)) for (b in seq_along(cov_labels$term)) {
    emit(case, software, "cov", cov_labels$outcome[a], cov_labels$term[a], cov[a, b],
         cov_labels$outcome[b], cov_labels$term[b])
  }
  emit(case, software, "llf", "", "", llf)
  emit(case, software, "nobs", "", "", nobs)
}

fit_vglm <- function(case, formula, data, reference, factors, weights = NULL) {
  outcome <- all.vars(formula)[1]
  others <- setdiff(levels(data[[outcome]]), reference)
  # vglm evaluates weights in the data, so they go in as a column.
  data$.w <- if (is.null(weights)) 1 else data[[weights]]
  data <- data[data$.w > 0, ]  # empty cells add nothing; VGAM refuses zero weights
  fit <- vglm(formula, multinomial(refLevel = reference), data = data, weights = .w,
              control = vglm.control(epsilon = 1e-12, maxit = 100))
  coefs <- coef(fit, matrix = TRUE)
  colnames(coefs) <- others
  rownames(coefs) <- patsy_names(rownames(coefs), factors, data)
  # vcov labels are "term:j" with j indexing the non-reference outcomes.
  labels <- colnames(vcov(fit))
  split <- regmatches(labels, regexpr(":[0-9]+$", labels), invert = TRUE)
  terms <- patsy_names(sapply(split, `[`, 1), factors, data)
  index <- as.integer(sub(".*:", "", labels))
  nobs <- if (is.null(weights)) nrow(data) else sum(data[[weights]])
  emit_fit(case, "VGAM", coefs, list(term = terms, outcome = others[index]),
           vcov(fit), as.numeric(logLik(fit)), nobs)
}

# nnet and brglm2 both give coef() as outcomes x terms and label vcov() "outcome:term".
emit_outcome_major <- function(case, software, fit, data, factors, weights) {
  coefs <- t(coef(fit))
  rownames(coefs) <- patsy_names(rownames(coefs), factors, data)
  labels <- colnames(vcov(fit))
  outcomes <- sub(":.*", "", labels)
  terms <- patsy_names(sub("^[^:]*:", "", labels), factors, data)
  nobs <- if (is.null(weights)) nrow(data) else sum(data[[weights]])
  emit_fit(case, software, coefs, list(term = terms, outcome = outcomes), vcov(fit),
           as.numeric(logLik(fit)), nobs)
}

fit_nnet <- function(case, formula, data, reference, factors, weights = NULL) {
  outcome <- all.vars(formula)[1]
  data[[outcome]] <- relevel(data[[outcome]], ref = reference)
  args <- list(formula, data = data, Hess = TRUE, trace = FALSE, maxit = 10000,
               reltol = 1e-14)
  if (!is.null(weights)) args$weights <- data[[weights]]
  emit_outcome_major(case, "nnet", do.call(multinom, args), data, factors, weights)
}

fit_firth <- function(case, formula, data, reference, factors, weights = NULL) {
  outcome <- all.vars(formula)[1]
  data[[outcome]] <- relevel(data[[outcome]], ref = reference)
  fit <- if (is.null(weights)) {
    brmultinom(formula, data = data, ref = 1, type = "AS_mean",
               control = list(epsilon = 1e-12, maxit = 500))
  } else {
    data$.w <- data[[weights]]
    brmultinom(formula, data = data, weights = .w, ref = 1, type = "AS_mean",
               control = list(epsilon = 1e-12, maxit = 500))
  }
  emit_outcome_major(case, "brglm2", fit, data, factors, weights)
}

alligators <- read.csv("datasets/alligator59.csv", stringsAsFactors = TRUE)
hsb <- read.csv("tests/data/hsbdemo.csv", stringsAsFactors = TRUE)
lakes <- read.csv("datasets/alligator219_counts.csv", stringsAsFactors = TRUE)
anes <- read.csv("datasets/anes96.csv")
anes$logpopul <- log(anes$popul + 0.1)
anes$PID <- factor(anes$PID)
iris_data <- read.csv("datasets/iris.csv", stringsAsFactors = TRUE)

cases <- list(
  alligator59 = list(formula = food ~ length, data = alligators, reference = "F",
                     factors = character()),
  hsbdemo = list(formula = prog ~ ses + write, data = hsb, reference = "academic",
                 factors = "ses"),
  alligator_lakes = list(formula = food ~ lake + size, data = lakes, reference = "fish",
                         factors = c("lake", "size"), weights = "count"),
  anes96 = list(formula = PID ~ logpopul + selfLR + age + educ + income, data = anes,
                reference = "0", factors = character())
)
for (name in names(cases)) {
  spec <- cases[[name]]
  fit_vglm(name, spec$formula, spec$data, spec$reference, spec$factors, spec$weights)
  fit_nnet(name, spec$formula, spec$data, spec$reference, spec$factors, spec$weights)
}
for (name in c("alligator59", "hsbdemo", "alligator_lakes")) {
  spec <- cases[[name]]
  fit_firth(name, spec$formula, spec$data, spec$reference, spec$factors, spec$weights)
}
# Quasi-complete separation (setosa against the rest by both sepal measures): maximum
# likelihood diverges, Firth's estimate is finite.
fit_firth("iris_separated", Species ~ Sepal_Length + Sepal_Width, iris_data, "setosa",
          character())

out <- do.call(rbind, rows)
write.csv(out, "tests/reference/r_reference.csv", row.names = FALSE, quote = TRUE)
cat("wrote", nrow(out), "values\n")
