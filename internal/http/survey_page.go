package http

import (
	_ "embed"
	"html/template"
	"net/http"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The survey page (C12): the link in the survey message opens it; the
// customer picks 1-5 and the form posts back, no script needed. The token
// in the path is the credential, as for POST /api/v1/surveys/{token}.
var (
	//go:embed survey_page.html
	surveyPageHTML string
	surveyPage     = template.Must(template.New("survey").Parse(surveyPageHTML))
)

type surveyPageData struct {
	Token, Title, Message string
	Ratings               []int
}

// handleSurveyPage shows the rating buttons.
func (s *Server) handleSurveyPage(w http.ResponseWriter, r *http.Request) error {
	return renderSurveyPage(w, http.StatusOK, surveyPageData{Token: r.PathValue("token"), Ratings: []int{1, 2, 3, 4, 5}})
}

// handleSurveyPageAnswer stores the rating the page's form posted and
// says how it went, in words for the customer.
func (s *Server) handleSurveyPageAnswer(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1024)
	if err := r.ParseForm(); err != nil {
		return desk.FieldErrorf("rating", "rating must be 1 to 5")
	}
	rating, err := strconv.Atoi(r.PostForm.Get("rating"))
	if err != nil {
		rating = 0 // refused below with the field error
	}
	sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	err = s.surveys.Answer(sys, r.PathValue("token"), rating)
	d := surveyPageData{Title: "Thank you", Message: "Thank you for your feedback."}
	status := http.StatusOK
	switch {
	case err == nil:
	case desk.ErrorCode(err) == "survey_answered":
		status, d.Title, d.Message = http.StatusConflict, "Already answered", "This survey has been answered already. Thank you!"
	case desk.ErrorKind(err) == desk.ENOTFOUND:
		status, d.Title, d.Message = http.StatusNotFound, "Survey", "This survey link is not valid."
	case desk.ErrorKind(err) == desk.EINVALID:
		status, d.Title, d.Message = http.StatusBadRequest, "Survey", "Please choose a rating from 1 to 5."
	default:
		return err
	}
	return renderSurveyPage(w, status, d)
}

func renderSurveyPage(w http.ResponseWriter, status int, d surveyPageData) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return surveyPage.Execute(w, d)
}
