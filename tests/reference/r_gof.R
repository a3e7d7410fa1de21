# Reference values for res.gof_test(groups=g): the Fagerland-Hosmer-Bofin
# goodness-of-fit test of a multinomial logit, as generalhoslem::logitgof computes it.
#
# Run from the repository root:  Rscript tests/reference/r_gof.R
# Writes tests/reference/r_gof.json. Needs R with Debian's r-cran-vgam and r-cran-nnet
# (apt-get install r-base-core r-cran-vgam r-cran-nnet).
#
# generalhoslem is not packaged for Debian, so logitgof (generalhoslem 1.3.0,
# R/logitgof.R, multinomial branch, ord = FALSE) is restated below in base R, step by
# step:
#   score    1 - P(reference outcome), the reference being the first column of the
#            fitted probabilities;
#   breaks   unique(quantile(score, probs = seq(0, 1, 1/g))), quantile type 7 (R's
#            default, linear interpolation between order statistics);
#   groups   cut(score, breaks, include.lowest = TRUE): intervals closed on the right,
#            the first closed on both sides; a value equal to a break goes to the lower
#            group. logitgof tabulates with reshape::cast, which lists only groups that
#            contain rows;
#   table    observed counts and sums of fitted probabilities per group x outcome;
#   X2       sum over cells of (O - E)^2 / E;
#   df       (number of groups - 2) * (J - 1);
#   p        1 - pchisq(X2, df) (logitgof's form; the upper tail is stored too).
# The fitted probabilities come from the maximum-likelihood estimate by Newton's method
# (r_helpers.R), checked against VGAM::vglm and nnet::multinom.

suppressPackageStartupMessages({
  library(VGAM)
  library(nnet)
})
source("tests/reference/r_helpers.R")

logitgof_base <- function(y, P, g) {
  score <- 1 - P[, 1]
  breaks <- unique(quantile(score, probs = seq(0, 1, 1 / g)))
  group <- cut(score, breaks = breaks, include.lowest = TRUE)
  present <- levels(group)[table(group) > 0]
  group <- factor(group, levels = present)
  observed <- unclass(table(group, factor(y, levels = colnames(P))))
  expected <- rowsum(P, group, reorder = TRUE)
  chisq <- sum((observed - expected)^2 / expected)
  df <- (nrow(expected) - 2) * (ncol(P) - 1)
  # How safely the grouping can be reproduced from probabilities that differ in the
  # last bits: rows sitting exactly on a break (tied rows; they go to the lower group),
  # and the smallest distance from any other row to a break.
  on_break <- score %in% breaks
  gaps <- outer(score[!on_break], breaks, function(a, b) abs(a - b))
  list(g = g, breaks = I(unname(breaks)), n_groups = nrow(expected),
       group_labels = I(rownames(expected)), row_group = I(as.integer(group)),
       observed = unname(observed), expected = unname(expected),
       group_sizes = I(as.vector(rowSums(observed))),
       statistic = chisq, df = df, p_value = 1 - pchisq(chisq, df),
       p_value_upper_tail = pchisq(chisq, df, lower.tail = FALSE),
       rows_on_a_break = sum(on_break),
       min_distance_to_a_break_other_rows = min(gaps))
}

gof_case <- function(name, data_file, data, formula, formula_py, factors, reference,
                     groups) {
  outcome <- all.vars(formula)[1]
  for (f in factors) data[[f]] <- as_sorted_factor(data[[f]])
  data[[outcome]] <- as_sorted_factor(data[[outcome]])
  X <- model.matrix(formula, data)
  terms <- patsy_names(X, formula, data)
  fit <- mnl_newton(X, data[[outcome]], reference)
  labels <- param_labels(fit$others, terms)

  # Checks of the estimate: VGAM (IRLS) and nnet (BFGS, its own tolerance).
  vglm_diff <- max(abs(vglm_coef(formula, data, reference) - fit$beta))
  d_nnet <- data
  d_nnet[[outcome]] <- relevel(d_nnet[[outcome]], ref = reference)
  mn <- multinom(formula, data = d_nnet, trace = FALSE, maxit = 10000, reltol = 1e-15)
  nnet_diff <- max(abs(t(coef(mn)) - fit$beta))

  # Fitted probabilities with the reference first, then the other levels: the column
  # order of fitted(multinom) after relevel, which is what logitgof is given.
  P <- fit$P
  colnames(P) <- c(reference, fit$others)
  tests <- lapply(groups, function(g) logitgof_base(data[[outcome]], P, g))
  list(name = name, data = data_file, formula = formula_py, reference = reference,
       outcomes_table_order = I(colnames(P)), nobs = nrow(data),
       labels = labels, coef = I(as.vector(fit$beta)),
       checks = list(max_abs_diff_coef_vs_vglm = vglm_diff,
                     max_abs_diff_coef_vs_nnet = nnet_diff,
                     max_abs_score = fit$max_abs_gradient),
       tests = tests)
}

hsb <- read.csv("tests/data/hsbdemo.csv", stringsAsFactors = FALSE)
anes <- read.csv("datasets/anes96.csv")
# party3 as mnlogit.datasets.load_anes96 defines it from PID (0..6).
anes$party3 <- c("Democrat", "Democrat", "Independent", "Independent", "Independent",
                 "Republican", "Republican")[anes$PID + 1]

cases <- list(
  gof_case("hsbdemo", "tests/data/hsbdemo.csv", hsb, prog ~ ses + write,
           "prog ~ C(ses) + write", "ses", "academic", c(10, 5)),
  gof_case("anes96", "datasets/anes96.csv", anes, party3 ~ age + educ + income + selfLR,
           "party3 ~ age + educ + income + selfLR", character(), "Democrat", c(10, 20))
)

out <- list(
  generated_by = "tests/reference/r_gof.R",
  software = software_versions(c("VGAM", "nnet")),
  method = paste(
    "generalhoslem::logitgof (Fagerland, Hosmer & Bofin 2008) restated in base R:",
    "groups by cut(1 - P(reference), unique(quantile(., seq(0, 1, 1/g))),",
    "include.lowest = TRUE) (type-7 quantiles, intervals closed on the right), only",
    "non-empty groups kept, X2 = sum (O - E)^2 / E over groups x outcomes,",
    "df = (groups - 2) * (J - 1), p = 1 - pchisq(X2, df)."),
  conventions = paste(
    "observed[k][j] and expected[k][j]: group k (ascending 1 - P(reference)),",
    "outcome outcomes_table_order[j] (the reference first, then the others in sorted",
    "order); row_group[i] is the 1-based group of data row i; coef is outcome-major",
    "and labelled by labels, as in r_survey.json. party3 in anes96 is Democrat for",
    "PID 0-1, Independent for 2-4, Republican for 5-6 (mnlogit.datasets.load_anes96)."),
  source_read = paste(
    "generalhoslem 1.3.0, github matthewjay15/generalhoslem, R/logitgof.R (the multinomial branch); its",
    "code is restated, not copied"),
  cases = cases
)
write_json_file(out, "tests/reference/r_gof.json")
