# Reference values for fit(..., design=SurveyDesign(...)): design-based (Taylor
# linearised) covariance of the weighted multinomial-logit MLE.
#
# Run from the repository root:  Rscript tests/reference/r_survey.R
# Writes tests/reference/r_survey.json and the data extracts tests/data/nhanes.csv,
# tests/data/apiclus1.csv, tests/data/apistrat.csv (from the survey package's data).
# Needs R with Debian's r-cran-survey and r-cran-vgam
# (apt-get install r-base-core r-cran-survey r-cran-vgam).
#
# R survey has no multinomial regression, so the estimator is assembled from parts
# whose meaning is fixed by survey itself:
#   beta  weighted MLE (sampling weights), by the Newton iteration in r_helpers.R,
#         checked against VGAM::vglm(weights=) in every case;
#   A     weighted expected information  sum_i w_i (diag p_i - p_i p_i') (x) x_i x_i';
#   B     vcov(svytotal(~s1 + ... + sP, design)) with s_i = x_i (x) (y_i - p_i) the
#         UNweighted per-row scores (svytotal applies the sampling weights itself);
#   V     A^-1 B A^-1.
# That this is survey's own linearisation is checked in every case on the binary
# logit of the first non-reference outcome against the rest, where survey has a
# regression estimator: svyglm(family = quasibinomial) must give the same covariance.
# p-values and confidence intervals use Student t with degf(design) degrees of
# freedom, as Stata's svy prefix does: 2 * pt(-|t|, df), coef -/+ qt(0.975, df) * se.

suppressPackageStartupMessages({
  library(survey)
  library(VGAM)
})
source("tests/reference/r_helpers.R")

# ---------------------------------------------------------------------------------
# Data. Extracts are written as CSV and then read back, so that R computes on exactly
# the numbers the Python tests will read (write.csv keeps 15 significant digits).
# ---------------------------------------------------------------------------------
data(nhanes, package = "survey")
data(api, package = "survey")

# NHANES 2009-10: complete cases only (745 rows lack HI_CHOL), so no design question
# about missing values arises. race and agecat get text labels whose code-point order
# is the survey package's order; the codes follow ?nhanes.
nh <- nhanes[!is.na(nhanes$HI_CHOL), ]
nh$race <- c("hispanic", "white", "black", "other")[nh$race]
nh$agecat <- c("0-19", "20-39", "40-59", "60+")[as.integer(nh$agecat)]
write.csv(nh[, c("SDMVSTRA", "SDMVPSU", "WTMEC2YR", "race", "agecat", "RIAGENDR",
                 "HI_CHOL")], "tests/data/nhanes.csv", row.names = FALSE)

write.csv(apiclus1[, c("snum", "dnum", "stype", "api00", "ell", "awards", "fpc", "pw")],
          "tests/data/apiclus1.csv", row.names = FALSE)

# apistrat is stratified by stype, so stype cannot be the outcome there; the outcome is
# api00 cut at 600 and 750 (intervals closed on the right: low <= 600 < mid <= 750 < high).
apistrat$apicat <- as.character(cut(apistrat$api00, c(-Inf, 600, 750, Inf),
                                    labels = c("low", "mid", "high")))
write.csv(apistrat[, c("snum", "stype", "api00", "apicat", "ell", "mobility", "fpc", "pw")],
          "tests/data/apistrat.csv", row.names = FALSE)

read_back <- function(path) read.csv(path, stringsAsFactors = FALSE)
nh <- read_back("tests/data/nhanes.csv")
clus1 <- read_back("tests/data/apiclus1.csv")
strat <- read_back("tests/data/apistrat.csv")

# ---------------------------------------------------------------------------------
# One case: fit, scores, survey's covariance of the score totals, sandwich, checks.
#   data        the rows of the design (all of them: a domain keeps the full design)
#   formula     R formula with plain variable names; factors listed in `factors`, and
#               written before the numeric terms, so that the columns come in patsy's
#               order (patsy puts terms without numeric factors first)
#   formula_py  the patsy formula the Python side fits (factors wrapped in C())
#   make_design function(data) -> svydesign object
#   domain      NULL, or list(r = logical vector over rows, python = expression text)
# ---------------------------------------------------------------------------------
survey_case <- function(name, description, data_file, data, formula, formula_py, factors,
                        reference, weights, make_design, design_spec, domain = NULL,
                        lonely_psu = NULL, rows_kept = NULL) {
  old <- options(survey.lonely.psu = if (is.null(lonely_psu)) "fail" else lonely_psu)
  on.exit(options(old))
  outcome <- all.vars(formula)[1]
  for (f in factors) data[[f]] <- as_sorted_factor(data[[f]])
  data[[outcome]] <- as_sorted_factor(data[[outcome]])
  in_domain <- if (is.null(domain)) rep(TRUE, nrow(data)) else domain$r

  X <- model.matrix(formula, data)
  terms <- patsy_names(X, formula, data)
  w <- data[[weights]]
  fit <- mnl_newton(X[in_domain, , drop = FALSE], data[[outcome]][in_domain], reference,
                    w[in_domain])
  labels <- param_labels(fit$others, terms)
  coef <- as.vector(fit$beta)

  # The same estimate from VGAM, as a check of the Newton iteration.
  vglm_diff <- vglm_check(formula, data[in_domain, ], reference, w[in_domain], fit$beta)

  # Scores for every row of the design, zero outside the domain.
  Y <- vapply(fit$others, function(l) as.numeric(data[[outcome]] == l), numeric(nrow(X)))
  S <- mnl_scores(X, Y, mnl_probs(X, fit$beta))
  S[!in_domain, ] <- 0
  score_names <- paste0(".s", seq_len(ncol(S)))
  colnames(S) <- score_names
  design <- make_design(cbind(data, S, .domain = in_domain))
  score_formula <- as.formula(paste("~", paste(score_names, collapse = " + ")))
  B_full <- unclass(vcov(svytotal(score_formula, design)))
  if (!is.null(domain)) {
    # R's way of estimating in a domain: subset() keeps the whole design and gives the
    # rows outside the domain zero weight.
    sub <- subset(design, .domain)
    B <- unclass(vcov(svytotal(score_formula, sub)))
    domain_check <- max(abs(B - B_full)) / max(abs(B))
  } else {
    sub <- design
    B <- B_full
    domain_check <- NULL
  }
  dimnames(B) <- NULL

  A <- mnl_information(X[in_domain, , drop = FALSE], fit$P, w[in_domain])
  A_inv <- solve(A)
  V <- A_inv %*% B %*% A_inv
  V <- (V + t(V)) / 2
  se <- sqrt(diag(V))
  df <- degf(sub)
  t_stat <- coef / se
  q <- qt(0.975, df)

  strata <- design$strata[, 1]
  psu_id <- paste(strata, design$cluster[, 1])
  out <- list(
    name = name,
    description = description,
    data = data_file,
    rows_kept = rows_kept,
    formula = formula_py,
    reference = reference,
    outcomes = I(fit$others),
    design = design_spec,
    lonely_psu = lonely_psu,
    domain = if (is.null(domain)) NULL else domain$python,
    nobs = sum(in_domain),
    nobs_design = nrow(data),
    population_size = sum(w[in_domain]),
    population_size_design = sum(weights(design, "sampling")),
    n_strata = length(unique(strata)),
    n_psu = length(unique(psu_id)),
    df = df,
    df_full_design = degf(design),
    labels = labels,
    coef = I(coef),
    se = I(se),
    t = I(t_stat),
    p_value = I(2 * pt(-abs(t_stat), df)),
    ci_lower = I(coef - q * se),
    ci_upper = I(coef + q * se),
    cov = V,
    score_total_cov = B,
    information = A,
    checks = list(
      newton_iterations = fit$iterations,
      max_abs_weighted_score = fit$max_abs_gradient,
      max_abs_diff_coef_vs_vglm = vglm_diff,
      rel_diff_B_subset_vs_zeroed_scores = domain_check
    )
  )
  if (!is.null(lonely_psu)) {
    out$checks$lonely_psu_by_hand <- lonely_by_hand(S * w, strata, psu_id, lonely_psu, B)
  }
  out$checks <- c(out$checks, binary_check(data, formula, factors, outcome, fit$others[1],
                                           reference, w, in_domain, design, domain))
  out
}

# B rebuilt from the PSU totals z_hi of the weighted scores with Stata's definitions of
# singleunit(certainty | centered | scaled), for survey's "certainty" | "adjust" |
# "average" (no fpc): a stratum with n_h >= 2 PSUs adds n_h/(n_h-1) sum_i (z_hi - zbar_h)
# (z_hi - zbar_h)'; a singleton adds 0 (certainty), (z - zbar)(z - zbar)' with zbar the
# grand mean of all PSU totals (centered), or nothing while the sum over the others is
# scaled by H / H_multi (scaled: each singleton gets the average of the others).
lonely_by_hand <- function(WS, strata, psu_id, option, B) {
  Z <- rowsum(WS, psu_id)
  z_stratum <- strata[match(rownames(Z), psu_id)]
  zbar <- colSums(Z) / nrow(Z)
  total <- 0
  n_multi <- 0
  for (h in unique(z_stratum)) {
    Zh <- Z[z_stratum == h, , drop = FALSE]
    n_h <- nrow(Zh)
    if (n_h >= 2) {
      total <- total + n_h / (n_h - 1) * crossprod(sweep(Zh, 2, colMeans(Zh)))
      n_multi <- n_multi + 1
    } else if (option == "adjust") {
      total <- total + crossprod(sweep(Zh, 2, zbar))
    }
  }
  if (option == "average") total <- total * length(unique(z_stratum)) / n_multi
  list(stata_singleunit = c(certainty = "certainty", adjust = "centered",
                            average = "scaled")[[option]],
       max_rel_diff_B = max(abs(total - B)) / max(abs(B)))
}

# The binary logit of `level` against every other outcome (the reference side pools the
# rest), by the same parts as above, compared with survey's svyglm. Returns the largest
# relative differences of the coefficients and of the covariance.
binary_check <- function(data, formula, factors, outcome, level, reference, w, in_domain,
                         design, domain) {
  y2 <- ifelse(data[[outcome]] == level, "1", "0")
  X <- model.matrix(formula, data)
  fit <- mnl_newton(X[in_domain, , drop = FALSE], y2[in_domain], "0", w[in_domain])
  Y <- matrix(as.numeric(y2 == "1"))
  S <- mnl_scores(X, Y, mnl_probs(X, fit$beta))
  S[!in_domain, ] <- 0
  colnames(S) <- paste0(".b", seq_len(ncol(S)))
  design <- update(design, .y2 = as.numeric(y2 == "1"))
  design$variables <- cbind(design$variables, S)
  B <- unclass(vcov(svytotal(as.formula(paste("~", paste(colnames(S), collapse = "+"))),
                             if (is.null(domain)) design else subset(design, .domain))))
  A_inv <- solve(mnl_information(X[in_domain, , drop = FALSE], fit$P, w[in_domain]))
  V <- A_inv %*% B %*% A_inv
  rhs <- paste(attr(terms(formula), "term.labels"), collapse = " + ")
  glm_design <- if (is.null(domain)) design else subset(design, .domain)
  # glm's default tolerance (1e-8) leaves svyglm's working weights from one iteration
  # before the last; a tight one makes the comparison sharp.
  g <- svyglm(as.formula(paste(".y2 ~", rhs)), glm_design, family = quasibinomial(),
              control = glm.control(epsilon = 1e-15, maxit = 100))
  list(binary_logit_vs_svyglm = list(
    outcome = level,
    max_rel_diff_coef = max(abs(coef(g) - fit$beta)) / max(abs(coef(g))),
    max_rel_diff_cov = max(abs(vcov(g) - V)) / max(abs(vcov(g)))
  ))
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# a. Stratified cluster sample, PSU codes 1, 2 (3) repeated in every stratum.
nh_formula <- race ~ agecat + RIAGENDR + HI_CHOL
nh_design <- function(d) svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR,
                                   nest = TRUE, data = d)
nh_spec <- list(ids = "SDMVPSU", strata = "SDMVSTRA", weights = "WTMEC2YR", fpc = NULL,
                nest = TRUE,
                r_call = "svydesign(ids=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR, nest=TRUE)")
add(survey_case(
  "nhanes_strat_clus", "NHANES 2009-10, 15 strata, 2-3 PSUs each (nest=TRUE)",
  "tests/data/nhanes.csv", nh, nh_formula, "race ~ C(agecat) + C(RIAGENDR) + HI_CHOL",
  c("agecat", "RIAGENDR"), "white", "WTMEC2YR", nh_design, nh_spec))

# b. One-stage cluster sample of school districts, with and without the fpc.
clus_formula <- stype ~ awards + api00 + ell
add(survey_case(
  "apiclus1_fpc", "API one-stage cluster sample of 15 districts, fpc = districts in population",
  "tests/data/apiclus1.csv", clus1, clus_formula, "stype ~ C(awards) + api00 + ell",
  "awards", "E", "pw",
  function(d) svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = d),
  list(ids = "dnum", strata = NULL, weights = "pw", fpc = "fpc", nest = FALSE,
       r_call = "svydesign(ids=~dnum, weights=~pw, fpc=~fpc)")))
add(survey_case(
  "apiclus1_nofpc", "API one-stage cluster sample of 15 districts, no fpc",
  "tests/data/apiclus1.csv", clus1, clus_formula, "stype ~ C(awards) + api00 + ell",
  "awards", "E", "pw",
  function(d) svydesign(ids = ~dnum, weights = ~pw, data = d),
  list(ids = "dnum", strata = NULL, weights = "pw", fpc = NULL, nest = FALSE,
       r_call = "svydesign(ids=~dnum, weights=~pw)")))

# c. Weights only: every row its own PSU, no strata, no fpc.
strat_formula <- apicat ~ stype + ell + mobility
weights_only <- survey_case(
  "apistrat_weights_only", "API stratified sample analysed with its weights only",
  "tests/data/apistrat.csv", strat, strat_formula, "apicat ~ C(stype) + ell + mobility",
  "stype", "low", "pw",
  function(d) svydesign(ids = ~1, weights = ~pw, data = d),
  list(ids = NULL, strata = NULL, weights = "pw", fpc = NULL, nest = FALSE,
       r_call = "svydesign(ids=~1, weights=~pw)"))
# The closed form survey's value must equal here: with n single-row PSUs in one stratum,
# B = n/(n-1) sum_i (w_i s_i - u)(w_i s_i - u)' with u = mean_i(w_i s_i); at the MLE the
# weighted scores sum to zero, so u = 0 and B = n/(n-1) sum_i w_i^2 s_i s_i'.
local({
  d <- strat
  d$stype <- as_sorted_factor(d$stype)
  d$apicat <- as_sorted_factor(d$apicat)
  X <- model.matrix(strat_formula, d)
  beta <- matrix(weights_only$coef, ncol(X))
  Y <- vapply(weights_only$outcomes, function(l) as.numeric(d$apicat == l), numeric(nrow(X)))
  WS <- d$pw * mnl_scores(X, Y, mnl_probs(X, beta))
  n <- nrow(X)
  centred <- sweep(WS, 2, colMeans(WS))
  B_centred <- n / (n - 1) * crossprod(centred)
  B_simple <- n / (n - 1) * crossprod(WS)
  scale <- max(abs(weights_only$score_total_cov))
  weights_only$checks$closed_form <<- list(
    formula = "B = n/(n-1) * sum_i w_i^2 s_i s_i' (the mean of w_i s_i is zero at the MLE)",
    max_rel_diff_B_vs_centred_form = max(abs(weights_only$score_total_cov - B_centred)) / scale,
    max_rel_diff_B_vs_uncentred_form = max(abs(weights_only$score_total_cov - B_simple)) / scale
  )
})
add(weights_only)

# d. A domain (subpopulation) of case a: women. Every PSU has women, so R's degf of the
# subset (which counts only PSUs with rows in the domain) equals the full design's.
add(survey_case(
  "nhanes_domain_women", "Domain RIAGENDR == 2 of the NHANES design (subset(design, ...))",
  "tests/data/nhanes.csv", nh, race ~ agecat + HI_CHOL, "race ~ C(agecat) + HI_CHOL",
  "agecat", "white", "WTMEC2YR", nh_design, nh_spec,
  domain = list(r = nh$RIAGENDR == 2, python = "RIAGENDR == 2")))

# d2. A domain that misses whole PSUs: women outside stratum 89 (no rows in either of its
# PSUs), PSU 3 of stratum 86 (three PSUs, one empty) and PSU 1 of stratum 75 (two PSUs,
# one empty). The empty PSUs enter their strata as zero totals (n_h stays 3 and 2), the
# empty stratum adds nothing, and degf counts only PSUs and strata with domain rows.
partial_domain <- nh$RIAGENDR == 2 & nh$SDMVSTRA != 89 &
  !(nh$SDMVSTRA == 86 & nh$SDMVPSU == 3) & !(nh$SDMVSTRA == 75 & nh$SDMVPSU == 1)
add(survey_case(
  "nhanes_domain_partial",
  "Domain of women without stratum 89, PSU 3 of stratum 86 and PSU 1 of stratum 75",
  "tests/data/nhanes.csv", nh, race ~ agecat + HI_CHOL, "race ~ C(agecat) + HI_CHOL",
  "agecat", "white", "WTMEC2YR", nh_design, nh_spec,
  domain = list(r = partial_domain, python = paste(
    "RIAGENDR == 2 and SDMVSTRA != 89 and not (SDMVSTRA == 86 and SDMVPSU == 3)",
    "and not (SDMVSTRA == 75 and SDMVPSU == 1)"))))

# e. A stratum with a single PSU: PSU 2 of stratum 89 dropped from the NHANES rows.
lonely_rows <- !(nh$SDMVSTRA == 89 & nh$SDMVPSU == 2)
for (opt in c("certainty", "adjust", "average")) {
  add(survey_case(
    paste0("nhanes_lonely_", opt),
    paste0("NHANES without PSU 2 of stratum 89 (one PSU left there), survey.lonely.psu = \"",
           opt, "\""),
    "tests/data/nhanes.csv", nh[lonely_rows, ], nh_formula,
    "race ~ C(agecat) + C(RIAGENDR) + HI_CHOL", c("agecat", "RIAGENDR"), "white", "WTMEC2YR",
    nh_design, nh_spec, lonely_psu = opt,
    rows_kept = "not (SDMVSTRA == 89 and SDMVPSU == 2)"))
}

# f. Stratified simple random samples with fpc given as the stratum population counts.
add(survey_case(
  "apistrat_strat_fpc", "API sample stratified by school type, fpc = schools per stratum",
  "tests/data/apistrat.csv", strat, strat_formula, "apicat ~ C(stype) + ell + mobility",
  "stype", "low", "pw",
  function(d) svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = d),
  list(ids = NULL, strata = "stype", weights = "pw", fpc = "fpc", nest = FALSE,
       r_call = "svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc)")))

out <- list(
  generated_by = "tests/reference/r_survey.R",
  software = software_versions(c("survey", "VGAM")),
  estimator = paste(
    "coef: weighted MLE (Newton, r_helpers.R; checked against VGAM::vglm);",
    "cov = A^-1 B A^-1, A = weighted expected information,",
    "B = vcov(svytotal(~scores, design)) of the unweighted per-row scores",
    "x_i (x) (y_i - p_i) (zero outside a domain); p-values and CIs use Student t",
    "with df = degf(design)"),
  conventions = paste(
    "parameters outcome-major: all terms of the first non-reference outcome (sorted",
    "level order), then the next; labels[k] names coef[k], se[k], row and column k",
    "of cov, score_total_cov (B) and information (A). Term names as patsy prints the",
    "formula; factor levels in sorted order, the first dropped. rows_kept (rows of the",
    "data file that form the design) and domain (rows of the design in the domain) are",
    "pandas DataFrame.query expressions; null means all rows."),
  data_notes = list(
    nhanes = paste(
      "tests/data/nhanes.csv: survey package data(nhanes) (NHANES 2009-10, public data",
      "of the US CDC), rows with missing HI_CHOL removed; race 1..4 relabelled",
      "hispanic, white, black, other; agecat (0,19], (19,39], (39,59], (59,Inf]",
      "relabelled 0-19, 20-39, 40-59, 60+; RIAGENDR 1 male, 2 female."),
    apiclus1 = paste(
      "tests/data/apiclus1.csv: survey package data(api), apiclus1 (California Academic",
      "Performance Index, public data), columns snum, dnum, stype, api00, ell, awards,",
      "fpc, pw."),
    apistrat = paste(
      "tests/data/apistrat.csv: survey package data(api), apistrat; apicat added:",
      "api00 <= 600 low, 600 < api00 <= 750 mid, api00 > 750 high."),
    licence = "the survey package is GPL-2 | GPL-3; the data are public (CDC NHANES, California API)"),
  lonely_psu_notes = list(
    r_documentation = paste(
      "?surveyoptions (survey 4.1-1): 'remove' ignores that PSU for variance computation,",
      "'adjust' centers the stratum at the population mean rather than the stratum mean,",
      "'average' replaces the variance contribution of the stratum by the average",
      "variance contribution across strata. ?svyCprod: 'remove' or 'certainty' give a",
      "variance contribution of 0 for the stratum. R's documentation does not mention",
      "Stata."),
    r_code = paste(
      "survey:::onestrat (4.1-1): a lonely stratum's PSU total z is centered at its own",
      "mean (giving 0) for certainty/remove, is left uncentered (centered at 0) for",
      "adjust, and is dropped for average, where survey:::onestage multiplies the sum",
      "over the other strata by n_strata / n_strata_with_2+_PSUs."),
    stata = paste(
      "Stata's svyset singleunit() as described in the Stata FAQ 'Missing standard",
      "error because of stratum with single sampling unit'",
      "(https://www.stata.com/support/faqs/statistics/standard-error-because-of-stratum/):",
      "certainty = the stratum contributes nothing; scaled = certainty scaled by using",
      "the average of the variances of the strata with several units for each singleton",
      "stratum; centered = singleton strata centered at the grand mean instead of the",
      "stratum mean."),
    correspondence = paste(
      "certainty <-> singleunit(certainty); average <-> singleunit(scaled) (sum over",
      "the other strata times H / H_multi = that sum plus the average for each",
      "singleton); adjust <-> singleunit(centered) for these score totals: Stata",
      "centers at the grand mean of the PSU totals, sum(z)/n_PSU, which is 0 at the",
      "MLE because the weighted scores sum to zero, and survey centers at 0.")),
  cases = cases
)
write_json_file(out, "tests/reference/r_survey.json")
