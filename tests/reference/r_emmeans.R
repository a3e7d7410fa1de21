# Reference values for res.predictions(at=..., atmeans=...): predictive margins of the
# hsbdemo model prog ~ ses + write (reference academic) from R emmeans (mode = "prob").
#
# Run from the repository root:  Rscript tests/reference/r_emmeans.R
# Writes tests/reference/r_emmeans.json. Needs R with Debian's r-cran-emmeans,
# r-cran-nnet and r-cran-vgam (apt-get install r-base-core r-cran-emmeans r-cran-nnet
# r-cran-vgam).
#
# emmeans works on nnet::multinom fits. multinom's BFGS stops short of the optimum
# (its coefficients are compared below with the exact Newton estimate and VGAM), so the
# stored values come from multinom started at the Newton estimate (argument Wts), where
# BFGS has nothing left to do; the same tables from the default start are compared
# with them in "checks". The covariance is nnet's: the inverse of its analytic
# information matrix (multinomHess), which equals the Newton one at the same point.
# Every emmeans table is recomputed directly (average of predicted probabilities over
# the rows of a grid, delta-method SE from the Jacobian) and the largest differences
# are stored in "checks".
#
# emmeans gives multinom models df = number of parameters (object$edf) and so t-based
# intervals; Stata's margins uses the normal distribution. Both kinds of interval are
# stored; the estimates and SEs do not depend on it.

suppressPackageStartupMessages({
  library(nnet)
  library(emmeans)
  library(VGAM)
})
source("tests/reference/r_helpers.R")
emm_options(msg.interaction = FALSE, msg.nesting = FALSE)

hsb <- read.csv("tests/data/hsbdemo.csv", stringsAsFactors = FALSE)
hsb$ses <- as_sorted_factor(hsb$ses)                    # high, low, middle
hsb$prog <- relevel(as_sorted_factor(hsb$prog), ref = "academic")
formula <- prog ~ ses + write

X <- model.matrix(formula, hsb)
K <- ncol(X)
newton <- mnl_newton(X, hsb$prog, "academic")
labels <- param_labels(newton$others, patsy_names(X, formula, hsb))

# multinom from its own start (all weights 0), as a user would run it.
mn_default <- multinom(formula, data = hsb, maxit = 1000, reltol = 1e-15, trace = FALSE,
                       Hess = TRUE)
# multinom started at the Newton estimate. Its weights are a J x (1 + K) matrix stored
# by rows: a masked bias column, then one column per design column; the reference
# row is masked to zero.
W <- matrix(0, nlevels(hsb$prog), 1 + K)
W[-1, 1 + seq_len(K)] <- t(newton$beta)
mn <- multinom(formula, data = hsb, Wts = as.vector(t(W)), maxit = 1000, reltol = 1e-15,
               trace = FALSE, Hess = TRUE)

V <- vcov(mn)  # rows/columns "outcome:term", outcome-major like ours
A_inv <- solve(mnl_information(X, newton$P, rep(1, nrow(X))))
fits <- list(
  newton = list(iterations = newton$iterations, max_abs_score = newton$max_abs_gradient),
  nnet_default_start = list(
    convergence = mn_default$convergence,  # 0: BFGS met its tolerance before maxit
    max_abs_diff_coef_vs_newton = max(abs(t(coef(mn_default)) - newton$beta)),
    deviance_minus_newton = mn_default$deviance -
      (-2 * sum(log(newton$P[cbind(seq_len(nrow(X)), as.integer(hsb$prog))])))),
  nnet_newton_start = list(
    convergence = mn$convergence,
    max_abs_diff_coef_vs_newton = max(abs(t(coef(mn)) - newton$beta)),
    max_rel_diff_cov_vs_newton_information = max(abs(V - A_inv)) / max(abs(A_inv))),
  vglm = list(max_abs_diff_coef_vs_newton = max(abs(vglm_coef(formula, hsb, "academic") -
                                                      newton$beta)),
              max_abs_diff_coef_vs_nnet_default_start =
                max(abs(vglm_coef(formula, hsb, "academic") - t(coef(mn_default)))))
)

# ---------------------------------------------------------------------------------
# Direct computation: the mean over the rows of `grid` of the predicted probabilities
# and its Jacobian with respect to the outcome-major coefficients.
# ---------------------------------------------------------------------------------
direct_margin <- function(grid) {
  Xg <- model.matrix(delete.response(terms(formula)), grid,
                     contrasts.arg = list(ses = "contr.treatment"))
  P <- mnl_probs(Xg, newton$beta)
  J <- ncol(P)
  m <- J - 1
  est <- colMeans(P)
  jac <- matrix(0, J, K * m)
  for (k in 1:J) for (j in 1:m) {
    # d p_k / d beta_j = p_k (1[k = j+1] - p_{j+1}) x
    jac[k, (j - 1) * K + 1:K] <- colMeans(Xg * (P[, k] * ((k == j + 1) - P[, j + 1])))
  }
  list(estimate = est, jacobian = jac)
}

# A grid row of hsb's shape for given ses and write values.
grid_of <- function(ses, write) {
  data.frame(ses = factor(ses, levels = levels(hsb$ses)), write = write)
}

# emmeans summary -> tidy rows, plus normal-theory intervals; `direct` is a list of
# (estimate, jacobian) per row, in the same order, for the check.
tidy <- function(summ, by_vars, direct_est, direct_jac) {
  s <- as.data.frame(summ)
  z <- qnorm(0.975)
  rows <- data.frame(outcome = as.character(s$prog), stringsAsFactors = FALSE)
  for (v in by_vars) rows[[v]] <- if (is.factor(s[[v]])) as.character(s[[v]]) else s[[v]]
  rows$estimate <- s$prob
  rows$se <- s$SE
  rows$df <- s$df
  rows$lower_emmeans <- s$lower.CL
  rows$upper_emmeans <- s$upper.CL
  rows$lower_normal <- s$prob - z * s$SE
  rows$upper_normal <- s$prob + z * s$SE
  direct_se <- sqrt(rowSums((direct_jac %*% V) * direct_jac))
  list(rows = rows,
       check = list(max_abs_diff_estimate_vs_direct = max(abs(s$prob - direct_est)),
                    max_rel_diff_se_vs_direct = max(abs(s$SE - direct_se) / s$SE)))
}

# Stack direct margins in emmeans' row order: outcome varies fastest within each grid
# point of the `by` variables.
stack_direct <- function(grids) {
  d <- lapply(grids, direct_margin)
  list(est = unlist(lapply(d, `[[`, "estimate")),
       jac = do.call(rbind, lapply(d, `[[`, "jacobian")))
}

write_mean <- mean(hsb$write)
writes <- c(30, 40, 50, 60, 70)

tables <- list()
checks <- list()
emm_of <- list()

run_tables <- function(fit) {
  out <- list()
  # 1. Stata: margins ses, atmeans  (write at its mean, each ses level)
  out$ses_atmeans <- emmeans(fit, ~ prog | ses, mode = "prob")
  # 2. Stata: margins, at(write=(30(10)70))  (ses averaged with its observed shares)
  out$write_grid <- emmeans(fit, ~ prog | write, at = list(write = writes), mode = "prob",
                            weights = "proportional")
  # 3. ses x write grid at write 40 and 60
  out$ses_write_grid <- emmeans(fit, ~ prog | ses * write, at = list(write = c(40, 60)),
                                mode = "prob")
  # 4. contrasts: differences between ses levels within each outcome (write at its
  #    mean), all pairs; and each write value against write = 30 within each outcome
  out$ses_pairs <- pairs(emmeans(fit, ~ ses | prog, mode = "prob"), adjust = "none")
  out$write_vs_30 <- contrast(emmeans(fit, ~ write | prog, at = list(write = writes),
                                      mode = "prob", weights = "proportional"),
                              "trt.vs.ctrl", adjust = "none")
  out
}
emm <- run_tables(mn)
emm_default <- run_tables(mn_default)

# 1.
ses_levels <- levels(hsb$ses)
d1 <- stack_direct(lapply(ses_levels, function(s) grid_of(s, write_mean)))
t1 <- tidy(summary(emm$ses_atmeans), "ses", d1$est, d1$jac)
t1$rows$write <- write_mean

# 2. Direct: every data row with write set, averaged (ses at its observed values).
d2 <- stack_direct(lapply(writes, function(w) grid_of(as.character(hsb$ses), w)))
t2 <- tidy(summary(emm$write_grid), "write", d2$est, d2$jac)
t2$rows$direct_estimate <- d2$est
t2$rows$direct_se <- sqrt(rowSums((d2$jac %*% V) * d2$jac))

# 3. emmeans orders the by-grid with ses varying fastest.
g3 <- expand.grid(ses = ses_levels, write = c(40, 60), stringsAsFactors = FALSE)
d3 <- stack_direct(lapply(seq_len(nrow(g3)), function(i) grid_of(g3$ses[i], g3$write[i])))
t3 <- tidy(summary(emm$ses_write_grid), c("ses", "write"), d3$est, d3$jac)

# 4a. ses pairs within outcome: direct from the margins of table 1.
contrast_rows <- function(summ) {
  s <- as.data.frame(summ)
  data.frame(outcome = as.character(s$prog), contrast = as.character(s$contrast),
             estimate = s$estimate, se = s$SE, df = s$df, stringsAsFactors = FALSE)
}
c4 <- contrast_rows(summary(emm$ses_pairs))
margin_of <- function(est, jac, outcome, level, levels) {
  i <- (match(level, levels) - 1) * nlevels(hsb$prog) + match(outcome, levels(hsb$prog))
  list(est = est[i], jac = jac[i, ])
}
pair_check <- function(rows, est, jac, levels, parse) {
  diffs <- t(vapply(seq_len(nrow(rows)), function(r) {
    lv <- parse(rows$contrast[r])
    a <- margin_of(est, jac, rows$outcome[r], lv[1], levels)
    b <- margin_of(est, jac, rows$outcome[r], lv[2], levels)
    g <- a$jac - b$jac
    c(a$est - b$est, sqrt(sum(g * (V %*% g))))
  }, numeric(2)))
  list(max_abs_diff_estimate_vs_direct = max(abs(rows$estimate - diffs[, 1])),
       max_rel_diff_se_vs_direct = max(abs(rows$se - diffs[, 2]) / rows$se))
}
c4_check <- pair_check(c4, d1$est, d1$jac, ses_levels,
                       function(s) strsplit(s, " - ", fixed = TRUE)[[1]])
c5 <- contrast_rows(summary(emm$write_vs_30))
c5_check <- pair_check(c5, d2$est, d2$jac, as.character(writes),
                       function(s) sub("^write", "", strsplit(s, " - ", fixed = TRUE)[[1]]))

# The same tables from multinom's default start: how far emmeans moves with nnet's
# own precision.
from_default <- function(name, col) {
  max(abs(as.data.frame(summary(emm[[name]]))[[col]] -
          as.data.frame(summary(emm_default[[name]]))[[col]]))
}
precision <- list()
for (nm in c("ses_atmeans", "write_grid", "ses_write_grid")) {
  precision[[nm]] <- list(max_abs_diff_prob = from_default(nm, "prob"),
                          max_abs_diff_se = from_default(nm, "SE"))
}
for (nm in c("ses_pairs", "write_vs_30")) {
  precision[[nm]] <- list(max_abs_diff_estimate = from_default(nm, "estimate"),
                          max_abs_diff_se = from_default(nm, "SE"))
}

out <- list(
  generated_by = "tests/reference/r_emmeans.R",
  software = software_versions(c("emmeans", "nnet", "VGAM")),
  model = list(data = "tests/data/hsbdemo.csv", formula = "prog ~ C(ses) + write",
               reference = "academic", nobs = nrow(hsb), write_mean = write_mean,
               ses_shares = as.list(setNames(as.vector(prop.table(table(hsb$ses))),
                                             ses_levels)),
               labels = labels, coef = I(as.vector(newton$beta)), cov = V),
  conventions = paste(
    "Outcomes are prog levels; rows of every table are labelled by outcome and grid",
    "values (ses level, write value). estimate = predicted probability (margin), se =",
    "emmeans' delta-method SE with nnet's covariance. df is emmeans' (the number of",
    "parameters, used for lower/upper_emmeans); lower/upper_normal = estimate -/+",
    "qnorm(0.975) * se as Stata prints. coef/cov: outcome-major, labels as patsy prints",
    "prog ~ C(ses) + write (ses levels sorted: high is the base level); the margins do",
    "not depend on the parametrisation."),
  fits = fits,
  tables = list(
    ses_atmeans = list(
      call = "emmeans(fit, ~ prog | ses, mode = \"prob\")",
      stata = "margins ses, atmeans",
      rows = t1$rows),
    write_grid = list(
      call = paste("emmeans(fit, ~ prog | write, at = list(write = c(30, 40, 50, 60, 70)),",
                   "mode = \"prob\", weights = \"proportional\")"),
      stata = "margins, at(write = (30(10)70))",
      note = paste("direct_estimate/direct_se: the mean over the 200 data rows of the",
                   "predicted probabilities with write set (ses as observed), and its",
                   "delta-method SE, computed without emmeans"),
      rows = t2$rows),
    ses_write_grid = list(
      call = "emmeans(fit, ~ prog | ses * write, at = list(write = c(40, 60)), mode = \"prob\")",
      stata = "margins ses, at(write = (40 60))",
      rows = t3$rows),
    ses_pairs = list(
      call = "pairs(emmeans(fit, ~ ses | prog, mode = \"prob\"), adjust = \"none\")",
      stata = "margins ses, atmeans pwcompare",
      note = "contrast 'a - b' = margin at ses a minus margin at ses b, write at its mean",
      rows = c4),
    write_vs_30 = list(
      call = paste("contrast(emmeans(fit, ~ write | prog, at = list(write = c(30, 40, 50,",
                   "60, 70)), mode = \"prob\", weights = \"proportional\"), \"trt.vs.ctrl\",",
                   "adjust = \"none\")"),
      stata = "margins, at(write = (30(10)70)) contrast(atcontrast(r._at))",
      note = "contrast 'writeW - write30' = margin at write W minus margin at write 30",
      rows = c5)
  ),
  checks = list(
    ses_atmeans = t1$check, write_grid = t2$check, ses_write_grid = t3$check,
    ses_pairs = c4_check, write_vs_30 = c5_check,
    emmeans_from_nnet_default_start_minus_stored = precision),
  published = list(
    found = FALSE,
    note = paste(
      "UCLA's Stata page for this model ('mlogit prog i.ses write, base(2)', 'margins",
      "ses, atmeans', 'margins, at(write = (30(10)70))') was searched for among the",
      "stored public pages and not found (only its do-file commands and rewritten",
      "copies without the margins output); no published numbers are stored."))
)
write_json_file(out, "tests/reference/r_emmeans.json")
